/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import static dev.plinth.ci.sign.SignFixture.ci;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import dev.plinth.registry.Registry;
import io.helidon.webserver.WebServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing against the controller's embedded registry (the rehearsal's staging registry), which,
 * unlike docker-registry, has the referrers API: the provenance is found through it, and skopeo
 * accepts the signature there too.
 */
class EmbeddedRegistrySignIT {

  @TempDir static Path tmp;
  static Registry registry;
  static WebServer server;
  static String host;

  @BeforeAll
  static void start() throws Exception {
    // Push needs credentials (as plinth serve's does); pulls of plinth/** are anonymous.
    registry =
        Registry.builder()
            .root(tmp.resolve("registry"))
            .credentials(
                (u, s) ->
                    s.equals("s3cret") ? java.util.Optional.of(u) : java.util.Optional.empty())
            .anonymousPull("plinth/**")
            .start();
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .useNio(false)
            .routing(r -> registry.routes().accept(r))
            .build()
            .start();
    host = "127.0.0.1:" + server.port();
    authFile = tmp.resolve("auth.json");
    java.nio.file.Files.writeString(
        authFile,
        "{\"auths\":{\""
            + host
            + "\":{\"auth\":\""
            + java.util.Base64.getEncoder()
                .encodeToString("ci:s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "\"}}}");
  }

  static Path authFile;

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void signsThereFindsTheProvenanceThroughTheReferrersApiAndSkopeoAgrees() throws Exception {
    String url = "http://" + host;
    assertThat(ci("keygen", "--out", tmp.resolve("k0").toString()).exit()).isZero();
    String digest =
        LocalRegistry.pushImage(
            new OciRegistry(url, authFile), "plinth/tools/sgdisk", "0.1.0", "embedded");
    Path dist = tmp.resolve("dist");
    SignFixture.dist(dist, tmp.resolve("src"), digest, "plinth/tools/sgdisk");
    Path keys = tmp.resolve("keys");
    assertThat(ci("keygen", "--out", keys.toString()).exit()).isZero();
    // Without credentials the registry refuses the push: the sign stage says so and fails.
    SignFixture.Run anonymous =
        ci(
            "sign",
            "--dist",
            dist.toString(),
            "--key",
            keys.resolve("signing.key").toString(),
            "--source",
            tmp.resolve("src").toString(),
            "--registry",
            url);
    assertThat(anonymous.exit()).isNotZero();
    SignFixture.Run s =
        ci(
            "sign",
            "--dist",
            dist.toString(),
            "--key",
            keys.resolve("signing.key").toString(),
            "--source",
            tmp.resolve("src").toString(),
            "--registry",
            url,
            "--authfile",
            authFile.toString());
    assertThat(s.exit()).as(s.err()).isZero();
    Artifact a = Inventory.read(dist).find("tools/sgdisk").orElseThrow();
    OciRegistry reg = new OciRegistry(url);
    // Re-signing with --username/--password-file works as well.
    java.nio.file.Files.writeString(tmp.resolve("password"), "s3cret\n");
    assertThat(
            ci(
                    "sign",
                    "--dist",
                    dist.toString(),
                    "--key",
                    keys.resolve("signing.key").toString(),
                    "--source",
                    tmp.resolve("src").toString(),
                    "--registry",
                    url,
                    "--username",
                    "ci",
                    "--password-file",
                    tmp.resolve("password").toString())
                .exit())
        .isZero();
    assertThat(new String(reg.referrersApi(a.repository(), a.digest()).orElseThrow()))
        .contains(Bundles.MEDIA_TYPE);
    assertThat(reg.manifest(a.repository(), a.digest().replace(':', '-'))).isEmpty();
    SignFixture.Run v =
        ci(
            "verify",
            "--dist",
            dist.toString(),
            "--public-key",
            keys.resolve("signing.pub").toString(),
            "--registry",
            url);
    assertThat(v.exit()).as(v.err()).isZero();
    Skopeo.Result r =
        Skopeo.copy(
            Skopeo.policy(tmp.resolve("p"), keys.resolve("signing.pub")),
            Skopeo.registriesD(tmp),
            host + "/" + a.repository() + "@" + a.digest(),
            tmp.resolve("out"));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(ci("keygen", "--out", tmp.resolve("other").toString()).exit()).isZero();
    SignFixture.Run wrong =
        ci(
            "verify",
            "--dist",
            dist.toString(),
            "--public-key",
            tmp.resolve("other/signing.pub").toString(),
            "--registry",
            url);
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err())
        .contains("tools/sgdisk: image signature does not verify")
        .contains("tools/sgdisk: provenance referrer: signature does not verify");
  }
}
