/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import java.time.Duration;

/**
 * How an attempt ended.
 *
 * @param exitCode 0 on success; the tool's status; {@link #TIMED_OUT}; {@link #NOT_STARTED}
 * @param duration wall time of the attempt
 * @param logTail the last lines of the tool's output
 * @param message one line for humans: empty on success, else why it failed
 */
public record StepResult(int exitCode, Duration duration, String logTail, String message) {

  /** Exit status reported when an attempt ran out of time (as timeout(1) does). */
  public static final int TIMED_OUT = 124;

  /** Exit status reported when the tool could not be started at all (pull, unit, exec failure). */
  public static final int NOT_STARTED = -1;

  /**
   * Exit status reported for an attempt cut short by a dispatcher restart; it does not count
   * against the step's retries.
   */
  public static final int INTERRUPTED = -2;

  public boolean succeeded() {
    return exitCode == 0;
  }

  public static StepResult of(int exitCode, Duration duration, String logTail) {
    String msg =
        switch (exitCode) {
          case 0 -> "";
          case TIMED_OUT -> "timed out";
          default -> "exit status " + exitCode;
        };
    return new StepResult(exitCode, duration, logTail, msg);
  }
}
