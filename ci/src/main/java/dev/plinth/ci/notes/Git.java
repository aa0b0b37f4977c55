/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.notes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs git in one repository. */
final class Git {
  private final Path dir;

  Git(Path dir) {
    this.dir = dir;
  }

  /** Runs {@code git args}; fails with git's message on a non-zero exit. */
  String run(String... args) {
    return tryRun(args)
        .orElseThrow(() -> new IllegalStateException("git " + String.join(" ", args) + " failed"));
  }

  /** Runs {@code git args}; empty on a non-zero exit. */
  Optional<String> tryRun(String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      return rc == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run git", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running git", e);
    }
  }
}
