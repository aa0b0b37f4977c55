/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool-image publication to an external registry as a site runs one (issue 16): {@code ci publish}
 * against Debian's docker-registry with htpasswd (bcrypt, {@code htpasswd -B}) basic auth. The
 * publisher's credentials push and tag the image; a wrong password is refused before anything is
 * pushed; without credentials nothing can be read back.
 */
class PublishHtpasswdRegistryIT {

  @TempDir Path dir;

  @Test
  void publishesWithBasicAuthAndRefusesAWrongPassword() throws Exception {
    boolean present =
        Files.isExecutable(Path.of("/usr/bin/docker-registry"))
            && Files.isExecutable(Path.of("/usr/bin/htpasswd"));
    if (!present && "1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
      throw new AssertionError("docker-registry and htpasswd (apache2-utils) are required");
    }
    Assumptions.assumeTrue(present, "docker-registry and htpasswd (apache2-utils)");
    Process hp =
        new ProcessBuilder("htpasswd", "-Bbn", "publisher", "push-pw")
            .redirectOutput(dir.resolve("htpasswd").toFile())
            .start();
    assertThat(hp.waitFor()).isZero();
    Files.writeString(dir.resolve("pw"), "push-pw\n");
    Files.writeString(dir.resolve("wrong"), "nope\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
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
      String url = "http://127.0.0.1:" + port;
      awaitUp(url);
      Path dist = Files.createDirectories(dir.resolve("dist"));
      Files.createDirectories(dist.resolve("images"));
      List<PublishPromoteTest.Image> imgs =
          PublishPromoteTest.archive(
              dist.resolve("images/all.tar"), List.of("plinth/tools/sgdisk:0.1.0"));
      new Inventory(
              "0.1.0",
              "c0ffee",
              1,
              List.of(
                  new Artifact(
                      "tools/sgdisk",
                      Artifact.Kind.IMAGE,
                      "images/all.tar",
                      "plinth/tools/sgdisk",
                      "0.1.0",
                      imgs.get(0).manifestDigest(),
                      imgs.get(0).manifest().length,
                      Oci.MANIFEST,
                      true)))
          .write(dist);

      StringWriter refused = new StringWriter();
      int wrong =
          PublishPromoteTest.ci(
              refused,
              "publish",
              "--dist",
              dist.toString(),
              "--registry",
              url,
              "--username",
              "publisher",
              "--password-file",
              dir.resolve("wrong").toString());
      assertThat(wrong).as(refused.toString()).isNotZero();
      assertThat(refused.toString()).contains("refuses the credentials");

      StringWriter out = new StringWriter();
      int ok =
          PublishPromoteTest.ci(
              out,
              "publish",
              "--dist",
              dist.toString(),
              "--registry",
              url,
              "--username",
              "publisher",
              "--password-file",
              dir.resolve("pw").toString(),
              "--channel",
              "stable");
      assertThat(ok).as(out.toString()).isZero();

      RegistryClient reader = new RegistryClient(URI.create(url), "publisher", "push-pw");
      assertThat(reader.tags("plinth/tools/sgdisk")).contains("0.1.0", "stable");
      assertThat(reader.manifest("plinth/tools/sgdisk", "stable").orElseThrow().digest())
          .isEqualTo(imgs.get(0).manifestDigest());
      RegistryClient anonymous = new RegistryClient(URI.create(url), null, null);
      assertThat(anonymous.ping()).isFalse();
    } finally {
      registry.destroy();
      registry.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitUp(String url) throws IOException, InterruptedException {
    for (int i = 0; i < 300; i++) {
      try {
        var c = (java.net.HttpURLConnection) URI.create(url + "/v2/").toURL().openConnection();
        c.setConnectTimeout(500);
        int code = c.getResponseCode();
        c.disconnect();
        if (code == 401) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException(url + " did not answer in 30 s");
  }
}
