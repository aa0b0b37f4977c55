/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageArchitecturesTest {

  static String blob(Path layout, String json) throws Exception {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    String d = JavaComponents.sha256(b);
    Path dir = Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.write(dir.resolve(d), b);
    return "sha256:" + d;
  }

  @Test
  void readsAnIndexPlatformsOrAManifestConfigFromALayoutOrAnArchive(@TempDir Path tmp)
      throws Exception {
    Path layout = tmp.resolve("oci");
    String config = blob(layout, "{\"architecture\":\"arm64\",\"os\":\"linux\"}");
    String manifest = blob(layout, "{\"config\":{\"digest\":\"" + config + "\"},\"layers\":[]}");
    String index =
        blob(
            layout,
            "{\"manifests\":[{\"digest\":\"x\",\"platform\":{\"architecture\":\"amd64\"}},"
                + "{\"digest\":\"y\",\"platform\":{\"architecture\":\"arm64\"}},"
                + "{\"digest\":\"z\",\"platform\":{\"architecture\":\"unknown\"}}]}");
    assertThat(ImageArchitectures.of(layout, index))
        .contains(new TreeSet<>(java.util.List.of("amd64", "arm64")));
    assertThat(ImageArchitectures.of(layout, manifest))
        .contains(new TreeSet<>(java.util.List.of("arm64")));
    assertThat(ImageArchitectures.of(layout, "sha256:" + "0".repeat(64))).isEmpty();

    Path tar = tmp.resolve("images.tar");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      try (var s = Files.list(layout.resolve("blobs/sha256"))) {
        for (Path p : s.sorted().toList()) {
          DistFixture.add(out, "blobs/sha256/" + p.getFileName(), Files.readAllBytes(p));
        }
      }
    }
    assertThat(ImageArchitectures.of(tar, manifest))
        .contains(new TreeSet<>(java.util.List.of("arm64")));
  }
}
