/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import java.util.Locale;

/**
 * The CLI's one power vocabulary, as {@code plinth bmc power} takes it: on, off (forced), shutdown
 * (graceful), restart (forced), cycle. Redfish's own ResetType names (On, ForceOff, ...) are
 * accepted too. {@link #apiAction} is what API v1 takes for each.
 */
final class PowerWords {
  private PowerWords() {}

  static final String WORDS = "on, off, shutdown, restart or cycle";

  /** The API's power action for {@code word}, or a {@link UserException} listing the words. */
  static String apiAction(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "on" -> "On";
      case "off", "forceoff" -> "ForceOff";
      case "shutdown", "gracefulshutdown" -> "GracefulShutdown";
      case "restart", "forcerestart" -> "ForceRestart";
      case "cycle", "powercycle" -> "PowerCycle";
      case "gracefulrestart" -> "GracefulRestart";
      default -> throw new UserException("unknown power action '" + word + "': use " + WORDS);
    };
  }
}
