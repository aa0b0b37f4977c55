/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

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

  /**
   * Sends every record to {@code file} (appended, JSON lines) instead of stderr: for a person at a
   * terminal ({@code plinth demo}), who reads progress there and the log when something went wrong.
   */
  public static void toFile(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    OutputStream os =
        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Handler h =
        new StreamHandler(os, new JsonLineFormatter()) {
          @Override
          public synchronized void publish(java.util.logging.LogRecord r) {
            super.publish(r);
            flush();
          }
        };
    h.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    for (Handler old : root.getHandlers()) {
      root.removeHandler(old);
      old.close();
    }
    root.addHandler(h);
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
