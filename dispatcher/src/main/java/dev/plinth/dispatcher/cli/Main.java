/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.cli;

/** Entry point of {@code plinth-dispatcher}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // One line per record, level first: systemd's journal adds time and unit.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%6$s%n");
    }
    System.exit(DispatcherCommand.commandLine().execute(args));
  }
}
