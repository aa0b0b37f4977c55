/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command, its output to a log file; on failure the exception carries the log's tail. */
public final class Proc {

  private Proc() {}

  /** Runs {@code cmd} in {@code dir}; returns its output (stdout and stderr). */
  public static String run(
      Path dir, List<String> cmd, Map<String, String> env, Duration timeout, Path log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = log != null ? log : Files.createTempFile("ci-proc", ".log");
    Files.createDirectories(out.toAbsolutePath().getParent());
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", cmd) + ": timed out after " + timeout + "; log " + out);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    if (log == null) {
      Files.deleteIfExists(out);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", cmd)
              + ": exit "
              + p.exitValue()
              + (log != null ? " (log " + log + ")" : "")
              + ", last lines:\n"
              + tail(text, 30));
    }
    return text;
  }

  /** Runs a short command in {@code dir} and returns its trimmed output. */
  public static String output(Path dir, String... cmd) throws IOException {
    return run(dir, List.of(cmd), Map.of(), Duration.ofMinutes(2), null).strip();
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join(
        "\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }
}
