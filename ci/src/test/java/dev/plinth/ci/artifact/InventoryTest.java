/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {

  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);

  @Test
  void writesSortedAndReadsBackTheSame(@TempDir Path dist) throws Exception {
    Artifact image =
        new Artifact(
            "tools/sgdisk",
            Artifact.Kind.IMAGE,
            "images/tools.tar",
            "plinth/tools/sgdisk",
            "1",
            D2,
            512,
            "application/vnd.oci.image.manifest.v1+json",
            true);
    Artifact tarball =
        new Artifact(
            "controller-tarball",
            Artifact.Kind.FILE,
            "plinth-0.1.0.tar.gz",
            null,
            null,
            D1,
            100,
            "application/gzip",
            true);
    Inventory inv = new Inventory("0.1.0", "abc", 1700000000L, List.of(image, tarball));
    inv.write(dist);
    byte[] first = Files.readAllBytes(dist.resolve(Inventory.FILE_NAME));
    Inventory back = Inventory.read(dist);
    assertThat(back).isEqualTo(inv);
    assertThat(back.artifacts())
        .extracting(Artifact::name)
        .containsExactly("controller-tarball", "tools/sgdisk");
    new Inventory("0.1.0", "abc", 1700000000L, List.of(tarball, image)).write(dist);
    assertThat(Files.readAllBytes(dist.resolve(Inventory.FILE_NAME))).isEqualTo(first);
    assertThat(back.find("tools/sgdisk").orElseThrow().hex()).isEqualTo("2".repeat(64));
  }

  @Test
  void refusesABadDigestAndDuplicateNames() {
    assertThatThrownBy(
            () -> new Artifact("x", Artifact.Kind.FILE, "x", null, null, "md5:1", 1, null, true))
        .hasMessageContaining("x: digest");
    Artifact a = new Artifact("x", Artifact.Kind.FILE, "x", null, null, D1, 1, null, true);
    assertThatThrownBy(() -> new Inventory("v", "c", 0, List.of(a, a)))
        .hasMessageContaining("not unique");
  }
}
