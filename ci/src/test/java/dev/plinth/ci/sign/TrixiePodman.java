/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The maintenance OS's podman (trixie's 5.4.2), fetched once by src/test/scripts/trixie-podman.sh
 * into ~/.cache/plinth: bookworm's podman is built with sigstore disabled.
 */
final class TrixiePodman {

  private TrixiePodman() {}

  private static String command;

  private static Path cache() {
    return Path.of(System.getProperty("user.home"), ".cache", "plinth", "trixie-podman");
  }

  /**
   * The podman binary ({@code PLINTH_PODMAN}, else trixie's). When it cannot be had, the test is
   * aborted, or fails with PLINTH_REQUIRE_PEERS=1.
   */
  static synchronized String command() throws IOException, InterruptedException {
    if (command != null) {
      return command;
    }
    String env = System.getenv("PLINTH_PODMAN");
    if (env != null && !env.isBlank()) {
      return command = env;
    }
    Process p =
        new ProcessBuilder(
                "bash",
                Path.of("src/test/scripts/trixie-podman.sh").toAbsolutePath().toString(),
                cache().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    boolean ok = p.waitFor(600, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty();
    if (!ok) {
      String why =
          "cannot fetch trixie's podman (src/test/scripts/trixie-podman.sh): is deb.debian.org"
              + " reachable, is patchelf installed?";
      if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
        throw new IOException(why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    String[] lines = out.split("\n");
    return command = lines[lines.length - 1];
  }

  /** containers.conf naming the directory of its network helper (podman wants it present). */
  static Path containersConf() {
    return cache().resolve("containers.conf");
  }
}
