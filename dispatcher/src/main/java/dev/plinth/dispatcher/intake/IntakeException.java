/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.intake;

/** The task cannot be found, read, trusted, or is meant for another machine. */
public final class IntakeException extends Exception {
  private static final long serialVersionUID = 1L;

  public IntakeException(String message) {
    super(message);
  }

  public IntakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
