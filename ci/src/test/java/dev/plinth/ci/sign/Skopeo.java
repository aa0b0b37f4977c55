/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** skopeo (containers/image, the verifier podman and CRI-O use) with a policy and registries.d. */
final class Skopeo {

  /** The result of one skopeo copy. */
  record Result(int exit, String output) {}

  private Skopeo() {}

  private static String command;

  /**
   * The skopeo to run: {@code PLINTH_SKOPEO} (a path), else trixie's, fetched once by
   * src/test/scripts/trixie-skopeo.sh into ~/.cache/plinth (bookworm's is built without sigstore).
   * When it cannot be had, the test is aborted, or fails with PLINTH_REQUIRE_PEERS=1.
   */
  static synchronized String command() throws IOException, InterruptedException {
    if (command != null) {
      return command;
    }
    String env = System.getenv("PLINTH_SKOPEO");
    if (env != null && !env.isBlank()) {
      return command = env;
    }
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "plinth", "trixie-skopeo");
    Process p =
        new ProcessBuilder(
                "bash",
                Path.of("src/test/scripts/trixie-skopeo.sh").toAbsolutePath().toString(),
                cache.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    boolean ok = p.waitFor(600, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty();
    if (!ok) {
      String why =
          "cannot fetch trixie's skopeo (src/test/scripts/trixie-skopeo.sh): is deb.debian.org reachable?";
      if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
        throw new IOException(why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    String[] lines = out.split("\n");
    return command = lines[lines.length - 1];
  }

  /** A policy.json that requires a sigstore signature by {@code key} for every docker image. */
  static Path policy(Path dir, Path key) throws IOException {
    Files.createDirectories(dir);
    Path p = dir.resolve("policy.json");
    Files.writeString(
        p,
        "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{\"\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\""
            + key.toAbsolutePath()
            + "\",\"signedIdentity\":{\"type\":\"matchRepository\"}}]},"
            + "\"dir\":{\"\":[{\"type\":\"insecureAcceptAnything\"}]}}}\n");
    return p;
  }

  /** A registries.d directory that makes containers/image read cosign-layout signatures. */
  static Path registriesD(Path dir) throws IOException {
    Path d = dir.resolve("registries.d");
    Files.createDirectories(d);
    Files.writeString(
        d.resolve("sigstore.yaml"), "default-docker:\n  use-sigstore-attachments: true\n");
    return d;
  }

  /** {@code skopeo copy --policy P --registries.d D docker://REF dir:OUT}. */
  static Result copy(Path policy, Path registriesD, String ref, Path out)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                command(),
                "--policy",
                policy.toString(),
                "--registries.d",
                registriesD.toString(),
                "copy",
                "--src-tls-verify=false",
                "--remove-signatures",
                "docker://" + ref,
                "dir:" + out)
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("skopeo copy timed out");
    }
    return new Result(p.exitValue(), output);
  }
}
