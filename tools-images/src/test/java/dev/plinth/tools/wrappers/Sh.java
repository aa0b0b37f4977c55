/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a host command for a test and returns its output; a non-zero exit fails the test. */
final class Sh {
  private Sh() {}

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + ": timed out");
    }
    String s = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + "\n" + s);
    }
    return s;
  }

  /** Exit code only (output discarded). */
  static int status(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    p.getInputStream().readAllBytes();
    p.waitFor(120, TimeUnit.SECONDS);
    return p.exitValue();
  }

  static String sh(String script) throws IOException, InterruptedException {
    return run("sh", "-c", script);
  }
}
