/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

/**
 * An error the user can fix: its message says what was wrong and what to do, and is printed as is,
 * without a stack trace. Exit status 2 for a mistake in the input or the environment (a bad option,
 * a missing file, a refused request), 1 for a request that was understood but cannot be done (a job
 * that already finished).
 */
public class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The process's exit status. */
  private final int exitCode;

  public UserException(String message) {
    this(message, null);
  }

  public UserException(String message, Throwable cause) {
    this(CliErrors.USAGE_OR_INPUT, message, cause);
  }

  UserException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A request that was understood but cannot be done (exit 1). */
  static UserException failed(String message) {
    return new UserException(CliErrors.FAILED, message, null);
  }

  int exitCode() {
    return exitCode;
  }
}
