/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.tools.cli.Main;
import dev.plinth.tools.oci.Digests;
import dev.plinth.tools.oci.OciLayout;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes the images Maven built (plinth.tools.images) to a real registry (Debian's docker-registry,
 * CNCF distribution 2.8) with {@code build.sh push} and reads them back with skopeo: the registry
 * serves every tag with the layout's exact digest.
 */
class RegistryPushIT {
  @TempDir static Path tmp;
  private static Process registry;
  private static int port;

  @BeforeAll
  static void startRegistry() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path cfg = tmp.resolve("cfg.yml");
    Files.writeString(
        cfg,
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
            + tmp.resolve("data")
            + "\nhttp:\n  addr: 127.0.0.1:"
            + port
            + "\n");
    registry =
        new ProcessBuilder("docker-registry", "serve", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("registry.log").toFile())
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
    throw new IOException(
        "docker-registry did not start: " + Files.readString(tmp.resolve("registry.log")));
  }

  @AfterAll
  static void stopRegistry() throws InterruptedException {
    if (registry != null) {
      registry.destroy();
      registry.waitFor();
    }
  }

  @Test
  void everyTagLandsWithTheLayoutsDigest() throws Exception {
    Path images = Path.of(System.getProperty("plinth.tools.images", "target/images"));
    OciLayout layout = OciLayout.open(images.resolve("oci"));
    assertThat(
            Main.run(
                "push", "--layout", images.toString(), "--registry", "http://127.0.0.1:" + port))
        .isZero();
    for (var e : layout.index().path("manifests")) {
      String ref = e.path("annotations").path("org.opencontainers.image.ref.name").asText();
      Process p =
          new ProcessBuilder(
                  "skopeo",
                  "inspect",
                  "--raw",
                  "--tls-verify=false",
                  "docker://127.0.0.1:" + port + "/" + ref)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] raw = p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).as(ref).isZero();
      assertThat(Digests.of(raw)).as(ref).isEqualTo(e.path("digest").asText());
    }
  }
}
