/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of plinth.yaml and the command line: {@code 90s}, {@code 15m}, {@code
 * 4h}, {@code 1h30m}, {@code 2d}, {@code 250ms}, or ISO-8601 ({@code PT15M}); {@code 0} is zero.
 */
public final class Durations {
  private Durations() {}

  /** What the syntax looks like, for messages. */
  public static final String EXAMPLES = "90s, 15m, 4h, 1h30m or PT15M";

  private static final Pattern SIMPLE =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

  /**
   * {@code value} as a duration, zero or more.
   *
   * @throws IllegalArgumentException when it is not one, with a message showing the syntax
   */
  public static Duration parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Duration d = null;
    Matcher m = SIMPLE.matcher(v);
    if (v.equals("0")) {
      d = Duration.ZERO;
    } else if (!v.isEmpty() && m.matches()) {
      try {
        d = Duration.ZERO;
        long[] unit = {86_400, 3_600, 60, 1};
        for (int i = 0; i < 4; i++) {
          if (m.group(i + 1) != null) {
            d = d.plusSeconds(Math.multiplyExact(Long.parseLong(m.group(i + 1)), unit[i]));
          }
        }
        if (m.group(5) != null) {
          d = d.plusMillis(Long.parseLong(m.group(5)));
        }
      } catch (NumberFormatException | ArithmeticException e) {
        d = null;
      }
    } else if (v.startsWith("p")) {
      try {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a duration: use one such as " + EXAMPLES);
    }
    return d;
  }
}
