/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real peer tools (skopeo, podman, ...): used when installed; when absent the test is skipped,
 * unless {@code PLINTH_REQUIRE_PEERS=1} (CI), where it fails loudly.
 */
final class Peers {
  private Peers() {}

  /** Skips (or, in CI, fails) unless {@code tool} is on the PATH. */
  static void require(String tool) {
    boolean present = false;
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        present = true;
        break;
      }
    }
    if (!present) {
      if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
        fail(tool + " is required (PLINTH_REQUIRE_PEERS=1) but not installed; see .ci/packages");
      }
      Assumptions.abort(tool + " is not installed");
    }
  }

  /** Runs a command, returns its combined output, asserts exit status 0. */
  static String run(String... cmd) throws IOException, InterruptedException {
    return run(0, cmd);
  }

  /** Runs a command and asserts its exit status. */
  static String run(int expectedExit, String... cmd) throws IOException, InterruptedException {
    List<String> c = new ArrayList<>(List.of(cmd));
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + String.join(" ", c));
    }
    assertEquals(expectedExit, p.exitValue(), () -> String.join(" ", c) + "\n" + out);
    return out;
  }
}
