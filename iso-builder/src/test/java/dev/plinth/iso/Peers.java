/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real peer tools (xorriso, isoinfo, qemu): used when installed; when missing the test is skipped,
 * unless {@code PLINTH_REQUIRE_PEERS=1} (CI), where a missing tool fails the test.
 */
final class Peers {

  private Peers() {}

  /** The path of {@code tool} on PATH (or the absolute path given), or skip/fail. */
  static Path require(String tool) {
    Path found = find(tool);
    if (found == null) {
      String msg = "peer tool not installed: " + tool + " (see .ci/packages)";
      if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
        fail(msg);
      }
      Assumptions.abort(msg);
    }
    return found;
  }

  static Path find(String tool) {
    if (tool.startsWith("/")) {
      return Files.exists(Path.of(tool)) ? Path.of(tool) : null;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** The result of a finished process. */
  record Result(int exit, String out) {}

  /** Runs a command, merging stderr into stdout, failing on timeout. */
  static Result run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
    return run(timeoutSeconds, null, List.of(cmd));
  }

  static Result run(long timeoutSeconds, Path dir, List<String> cmd)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C.UTF-8");
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Path log = Files.createTempFile("peer", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
