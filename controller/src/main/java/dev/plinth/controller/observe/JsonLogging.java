/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.observe;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Routes every {@link System.Logger} and JUL record (ours and Helidon's) to stderr as one JSON
 * object per line, which journald and log shippers take as is.
 */
public final class JsonLogging {
  private JsonLogging() {}

  /** Replaces the root handlers; safe to call more than once. */
  public static void install() {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler h = new ConsoleHandler();
    h.setFormatter(new JsonLineFormatter());
    h.setLevel(Level.ALL);
    root.addHandler(h);
    root.setLevel(levelFromEnv(System.getenv("PLINTH_LOG_LEVEL")));
  }

  static Level levelFromEnv(String v) {
    if (v == null || v.isBlank()) {
      return Level.INFO;
    }
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "debug" -> Level.FINE;
      case "trace" -> Level.FINEST;
      case "warn", "warning" -> Level.WARNING;
      case "error" -> Level.SEVERE;
      default -> Level.INFO;
    };
  }
}
