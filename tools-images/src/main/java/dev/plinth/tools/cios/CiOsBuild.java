/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cios;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs {@code tools-images/ci-os/build.sh OUT CACHE}, which downloads the kernel and busybox (lock
 * or apt) and writes the three payloads and payloads.sha256 into OUT. Its output goes to this
 * process's standard error.
 */
public final class CiOsBuild {
  /** The default SOURCE_DATE_EPOCH, the same as build.sh's (2026-01-01T00:00:00Z). */
  public static final long DEFAULT_EPOCH = 1767225600L;

  private CiOsBuild() {}

  /** The default download cache: PLINTH_CI_OS_CACHE, else ~/.cache/plinth/ci-os. */
  public static Path defaultCache() {
    String p = System.getenv("PLINTH_CI_OS_CACHE");
    return p == null || p.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "plinth", "ci-os")
        : Path.of(p);
  }

  /** Builds the payloads into {@code out}; {@code toolsImages} is the tools-images/ directory. */
  public static void run(Path toolsImages, Path out, Path cache, long epochSeconds)
      throws IOException {
    Path script = toolsImages.resolve("ci-os/build.sh");
    if (!Files.isRegularFile(script)) {
      throw new IOException("no " + script);
    }
    Files.createDirectories(cache);
    ProcessBuilder pb =
        new ProcessBuilder(List.of("bash", script.toString(), out.toString(), cache.toString()))
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("SOURCE_DATE_EPOCH", Long.toString(epochSeconds));
    try {
      int rc = pb.start().waitFor();
      if (rc != 0) {
        throw new IOException(script + " failed with exit code " + rc + " (see its output above)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + script, e);
    }
  }
}
