/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.sys;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runs a command to completion and returns its status and output. */
public interface Commands {

  /**
   * The result of a command.
   *
   * @param exitCode the process's exit status ({@value #TIMED_OUT} when it was killed on timeout)
   * @param output stdout and stderr, interleaved, clipped to the last 64 KiB
   */
  record Result(int exitCode, String output) {
    public static final int TIMED_OUT = 124;

    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code command} with the dispatcher's environment.
   *
   * @throws IOException if it cannot be started (not installed)
   */
  Result run(List<String> command, Duration timeout) throws IOException, InterruptedException;

  /** The real implementation: child processes. */
  static Commands system() {
    return new ProcessCommands();
  }
}
