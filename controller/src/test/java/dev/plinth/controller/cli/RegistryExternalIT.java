/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.testing.Peers;
import dev.plinth.controller.testing.TestController;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth registry import/export --registry-url} against another OCI registry: Debian's
 * docker-registry (CNCF distribution 2.8, no referrers API) with htpasswd (bcrypt) basic auth.
 */
class RegistryExternalIT {

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run plinth(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PlinthCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void importsAndExportsWithBasicAuthAgainstDockerRegistry() throws Exception {
    Peers.need(
        Files.isExecutable(Path.of("/usr/bin/docker-registry"))
            && Files.isExecutable(Path.of("/usr/bin/htpasswd")),
        "docker-registry and htpasswd (apache2-utils)");
    Process htpasswd =
        new ProcessBuilder("htpasswd", "-Bbn", "ops", "s3cret")
            .redirectOutput(dir.resolve("htpasswd").toFile())
            .start();
    assertThat(htpasswd.waitFor()).isZero();
    Files.writeString(dir.resolve("pw"), "s3cret\n");
    Files.writeString(dir.resolve("wrong"), "nope\n");
    int port = TestController.freePort();
    Files.writeString(
        dir.resolve("cfg.yml"),
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
            + dir.resolve("data")
            + "\nauth:\n  htpasswd:\n    realm: plinth-test\n    path: "
            + dir.resolve("htpasswd")
            + "\nhttp:\n  addr: 127.0.0.1:"
            + port
            + "\n");
    Process registry =
        new ProcessBuilder("docker-registry", "serve", dir.resolve("cfg.yml").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    try {
      awaitPort(port);
      String url = "http://127.0.0.1:" + port;
      Path archive = dir.resolve("in.tar");
      String digest = RegistryLayouts.write(archive, "team/app", "2.0", 300_000, 3);

      Run wrong =
          plinth(
              "registry",
              "import",
              archive.toString(),
              "--registry-url",
              url,
              "--username",
              "ops",
              "--password-file",
              dir.resolve("wrong").toString());
      assertThat(wrong.code()).isEqualTo(2);
      assertThat(wrong.err()).contains("refused").contains("--password-file");

      Run imp =
          plinth(
              "registry",
              "import",
              archive.toString(),
              "--registry-url",
              url,
              "--username",
              "ops",
              "--password-file",
              dir.resolve("pw").toString());
      assertThat(imp.code()).as(imp.err()).isZero();
      assertThat(imp.out()).contains("team/app:2.0").contains("imported 7 blobs");

      Path back = dir.resolve("out.tar");
      Run exp =
          plinth(
              "registry",
              "export",
              "team/app:2.0",
              "-o",
              back.toString(),
              "--registry-url",
              url,
              "--username",
              "ops",
              "--password-file",
              dir.resolve("pw").toString());
      assertThat(exp.code()).as(exp.err()).isZero();

      RegistryLayouts.Archive after = RegistryLayouts.read(back);
      TreeMap<String, Integer> before = RegistryLayouts.read(archive).blobs();
      // Without a referrers API the signature stays behind; the image itself comes back whole.
      assertThat(after.blobs()).hasSize(4);
      assertThat(before).containsAllEntriesOf(after.blobs());
      assertThat(after.blobs()).containsKey(digest);
      assertThat(after.index().at("/manifests/0/digest").asText()).isEqualTo(digest);
    } finally {
      registry.destroy();
      registry.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitPort(int port) throws InterruptedException, IOException {
    for (int i = 0; i < 100; i++) {
      try {
        new Socket("127.0.0.1", port).close();
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("docker-registry did not start on port " + port);
  }
}
