/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns exceptions into one clear line on stderr and an exit code, never a stack trace for errors
 * the user can act on.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

  private static final System.Logger LOG = System.getLogger(CliErrors.class.getName());

  /** Exit status for an error in the user's input or environment. */
  static final int USAGE_OR_INPUT = 2;

  /** Exit status for an unexpected internal failure. */
  static final int INTERNAL = 70;

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    var err = cl.getErr();
    if (ex instanceof UserException u) {
      err.println("plinth: " + u.getMessage());
      return USAGE_OR_INPUT;
    }
    if (ex instanceof IOException || ex instanceof UncheckedIOException) {
      err.println("plinth: " + ex.getMessage());
      return USAGE_OR_INPUT;
    }
    // The trace goes to the log (JSON lines on stderr), the user gets one line.
    LOG.log(System.Logger.Level.ERROR, "internal error", ex);
    err.println("plinth: internal error: " + ex);
    return INTERNAL;
  }
}
