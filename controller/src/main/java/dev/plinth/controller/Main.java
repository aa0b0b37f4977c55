/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller;

import dev.plinth.controller.cli.PlinthCommand;
import dev.plinth.controller.observe.JsonLogging;

/** Entry point of the {@code plinth} binary. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    JsonLogging.install();
    PlinthCommand.warmUp(args);
    System.exit(PlinthCommand.commandLineFor(args).execute(args));
  }
}
