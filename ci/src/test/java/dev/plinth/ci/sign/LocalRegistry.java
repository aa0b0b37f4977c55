/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Debian's docker-registry (CNCF distribution 2.8, no referrers API) on a free port. */
final class LocalRegistry {

  final int port;
  private final Process process;

  LocalRegistry(Path dir) throws IOException, InterruptedException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    Path cfg = dir.resolve("cfg.yml");
    Files.writeString(
        cfg,
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
            + dir.resolve("data")
            + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:"
            + port
            + "\n");
    process =
        new ProcessBuilder("docker-registry", "serve", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    for (int i = 0; i < 100; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        if (s.isConnected()) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    process.destroy();
    throw new IOException(
        "docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  /** Pushes a one-file OCI image to {@code repo:tag}; returns its manifest digest. */
  String pushImage(String repo, String tag, String content) throws IOException {
    return pushImage(new OciRegistry(url()), repo, tag, content);
  }

  /** Pushes a one-file OCI image to {@code repo:tag} at {@code reg}; returns its digest. */
  static String pushImage(OciRegistry reg, String repo, String tag, String content)
      throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry("hello.txt");
      e.setSize(data.length);
      e.setModTime(0);
      t.putArchiveEntry(e);
      t.write(data);
      t.closeArchiveEntry();
    }
    byte[] layer = tar.toByteArray();
    String layerDigest = reg.pushBlob(repo, layer);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = reg.pushBlob(repo, config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDigest
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + layerDigest
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    return reg.pushManifest(repo, tag, manifest, "application/vnd.oci.image.manifest.v1+json");
  }

  void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
