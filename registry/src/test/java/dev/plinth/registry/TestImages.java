/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import dev.plinth.registry.api.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes small but real OCI images (a layer tar, a config with diff_ids) as image layouts. */
final class TestImages {
  private TestImages() {}

  /**
   * An image layout at {@code dir} with one image tagged {@code tag}; returns its manifest digest.
   */
  static Digest layout(Path dir, String tag, int payloadBytes, long seed) throws IOException {
    Files.createDirectories(dir.resolve("blobs/sha256"));
    byte[] payload = new byte[payloadBytes];
    new Random(seed).nextBytes(payload);
    ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
      TarArchiveEntry e = new TarArchiveEntry("payload.bin");
      e.setSize(payload.length);
      e.setModTime(0);
      tar.putArchiveEntry(e);
      tar.write(payload);
      tar.closeArchiveEntry();
    }
    byte[] tar = tarBytes.toByteArray();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(tar);
    }
    byte[] layer = gz.toByteArray();
    Digest diffId = Digest.sha256(tar);
    Digest ld = write(dir, layer);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + ld
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    Digest cd = write(dir, config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + cd
                + "\",\"size\":"
                + config.length
                + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + ld
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest md = write(dir, manifest);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(
        dir.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + md
            + "\",\"size\":"
            + manifest.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
            + tag
            + "\"}}]}");
    return md;
  }

  private static Digest write(Path dir, byte[] b) throws IOException {
    Digest d = Digest.sha256(b);
    Files.write(dir.resolve("blobs/sha256/" + d.hex()), b);
    return d;
  }
}
