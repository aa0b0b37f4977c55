/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code jobs:} settings of {@code plinth.yaml}: how many jobs the engine drives at once and
 * how long a job may stay in each state. A null limit or an absent deadline keeps the engine's
 * built-in value.
 *
 * @param maxActive jobs driven at once by this controller (the rest wait in Pending)
 * @param maxPerBmc jobs driven at once through one BMC host
 * @param deadlines how long a job may stay in a state, by the state's key in {@link #STATES}
 */
public record JobLimits(Integer maxActive, Integer maxPerBmc, Map<String, Duration> deadlines) {

  /** The states that have a deadline, as {@code jobs.deadlines} names them. */
  public static final List<String> STATES =
      List.of("pending", "mediaReady", "booting", "running", "finishing");

  public JobLimits {
    deadlines = Map.copyOf(deadlines);
    if (maxActive != null && maxActive < 1 || maxPerBmc != null && maxPerBmc < 1) {
      throw new IllegalArgumentException("job limits must be positive");
    }
    for (var e : deadlines.entrySet()) {
      if (!STATES.contains(e.getKey()) || e.getValue().isNegative() || e.getValue().isZero()) {
        throw new IllegalArgumentException("bad deadline " + e);
      }
    }
  }

  /** No setting: every limit and deadline is the engine's built-in one. */
  public static JobLimits none() {
    return new JobLimits(null, null, Map.of());
  }

  public JobLimits withMaxActive(int n) {
    return new JobLimits(n, maxPerBmc, deadlines);
  }

  public JobLimits withMaxPerBmc(int n) {
    return new JobLimits(maxActive, n, deadlines);
  }

  public JobLimits withDeadline(String state, Duration d) {
    Map<String, Duration> m = new LinkedHashMap<>(deadlines);
    m.put(state, d);
    return new JobLimits(maxActive, maxPerBmc, m);
  }

  /**
   * A limit: a positive integer.
   *
   * @param where the setting, for the message ({@code plinth.yaml:7: jobs.maxActive})
   * @throws ConfigException naming {@code where} otherwise
   */
  static int parseLimit(String value, String where) {
    try {
      int n = Integer.parseInt(value.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(where + ": must be a positive integer, got '" + value + "'");
  }

  /**
   * A deadline: {@code 90s}, {@code 15m}, {@code 4h}, {@code 1h30m}, {@code 2d}, or ISO-8601
   * ({@code PT15M}); more than zero.
   *
   * @throws ConfigException naming {@code where} otherwise
   */
  static Duration parseDeadline(String value, String where) {
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ConfigException(
          where
              + ": must be a positive duration such as 90s, 15m, 4h, 1h30m or PT15M, got '"
              + value
              + "'");
    }
    return d;
  }
}
