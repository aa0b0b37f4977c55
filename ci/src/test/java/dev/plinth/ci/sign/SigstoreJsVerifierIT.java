/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import static dev.plinth.ci.sign.SignFixture.ci;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent verifier agrees: npm {@code @sigstore/verify} (sigstore-js) accepts every bundle
 * ci sign writes (blobs, SBOMs, SHA256SUMS, DSSE provenance) with the public key as its only trust
 * material, and refuses a flipped artifact byte, a flipped statement and another key.
 */
class SigstoreJsVerifierIT {

  static final String PACKAGE = "@sigstore/verify@4.1.3";

  static Path nodeModules;

  @TempDir Path tmp;
  Path dist;
  Path keys;

  @BeforeAll
  static void install() throws Exception {
    Path prefix =
        Path.of(System.getProperty("user.home"), ".cache", "plinth", "npm-sigstore-verify-4.1.3");
    nodeModules = prefix.resolve("node_modules");
    if (Files.isRegularFile(nodeModules.resolve("@sigstore/verify/package.json"))) {
      return;
    }
    Files.createDirectories(prefix);
    Process p =
        new ProcessBuilder(
                "npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), PACKAGE)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      String why = "npm install " + PACKAGE + " failed: " + out;
      if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
        throw new IOException(why);
      }
      Assumptions.abort(why);
    }
  }

  @BeforeEach
  void signedDist() throws Exception {
    dist = tmp.resolve("dist");
    keys = tmp.resolve("keys");
    SignFixture.dist(dist, tmp.resolve("src"), "sha256:" + "ab".repeat(32), "plinth/tools/sgdisk");
    assertThat(ci("keygen", "--out", keys.toString()).exit()).isZero();
    assertThat(
            ci(
                    "sign",
                    "--dist",
                    dist.toString(),
                    "--key",
                    keys.resolve("signing.key").toString(),
                    "--source",
                    tmp.resolve("src").toString())
                .exit())
        .isZero();
  }

  record Result(int exit, String output) {}

  Result node(Path publicKey, String... bundleArtifactPairs) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "node",
                Path.of("src/test/node/verify-bundles.cjs").toAbsolutePath().toString(),
                publicKey.toString()));
    for (String s : bundleArtifactPairs) {
      cmd.add(s.equals("-") ? s : dist.resolve(s).toString());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("NODE_PATH", nodeModules.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  static final String[] ALL = {
    "plinth-0.1.0-linux.tar.gz.sigstore.json", "plinth-0.1.0-linux.tar.gz",
    "plinth-dispatcher-0.1.0.jar.sigstore.json", "plinth-dispatcher-0.1.0.jar",
    "plinth-0.1.0-linux.tar.gz.cdx.json.sigstore.json", "plinth-0.1.0-linux.tar.gz.cdx.json",
    "sbom/tools_sgdisk.cdx.json.sigstore.json", "sbom/tools_sgdisk.cdx.json",
    "SHA256SUMS.sigstore.json", "SHA256SUMS",
    "plinth-0.1.0-linux.tar.gz.intoto.sigstore.json", "-",
    "provenance/tools_sgdisk.intoto.sigstore.json", "-",
  };

  @Test
  void acceptsEveryBundleCiSignWrote() throws Exception {
    Result r = node(keys.resolve("signing.pub"), ALL);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().lines().filter(l -> l.startsWith("OK "))).hasSize(7);
  }

  @Test
  void refusesAFlippedArtifactByte() throws Exception {
    SignFixture.flip(dist.resolve("plinth-0.1.0-linux.tar.gz"), 10);
    Result r =
        node(
            keys.resolve("signing.pub"),
            "plinth-0.1.0-linux.tar.gz.sigstore.json",
            "plinth-0.1.0-linux.tar.gz",
            "plinth-dispatcher-0.1.0.jar.sigstore.json",
            "plinth-dispatcher-0.1.0.jar");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output())
        .contains("FAIL " + dist.resolve("plinth-0.1.0-linux.tar.gz.sigstore.json"))
        .contains("OK " + dist.resolve("plinth-dispatcher-0.1.0.jar.sigstore.json"));
  }

  @Test
  void refusesAFlippedStatementOrSbom() throws Exception {
    SignFixture.flipBase64(dist.resolve("provenance/tools_sgdisk.intoto.sigstore.json"), "payload");
    SignFixture.flip(dist.resolve("sbom/tools_sgdisk.cdx.json"), 3);
    Result r =
        node(
            keys.resolve("signing.pub"),
            "provenance/tools_sgdisk.intoto.sigstore.json",
            "-",
            "sbom/tools_sgdisk.cdx.json.sigstore.json",
            "sbom/tools_sgdisk.cdx.json");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output().lines().filter(l -> l.startsWith("FAIL "))).hasSize(2);
  }

  @Test
  void refusesAnotherKey() throws Exception {
    assertThat(ci("keygen", "--out", tmp.resolve("other").toString()).exit()).isZero();
    Result r = node(tmp.resolve("other/signing.pub"), ALL);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output().lines().filter(l -> l.startsWith("FAIL "))).hasSize(7);
  }
}
