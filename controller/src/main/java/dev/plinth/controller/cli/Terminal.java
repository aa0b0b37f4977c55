/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import java.io.Console;

/** Whether a person is at a terminal: progress is redrawn in place for them, logged otherwise. */
final class Terminal {
  private Terminal() {}

  static boolean interactive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    // Since JDK 22 System.console() is there even when redirected; Console.isTerminal() tells.
    // Compiled for 21, so looked up at run time.
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
