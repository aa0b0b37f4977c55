/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.JobState;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * How the engine paces jobs.
 *
 * @param maxActive jobs driven at once by this controller (the rest wait in Pending)
 * @param maxPerBmc jobs driven at once through one BMC host (chassis managers serve many blades)
 * @param lease how long a claim on a job lasts without renewal
 * @param tick how often the engine looks for work when nothing wakes it
 */
public record JobSettings(
    Duration pending,
    Duration mediaReady,
    Duration booting,
    Duration running,
    Duration finishing,
    int maxActive,
    int maxPerBmc,
    Duration lease,
    Duration tick) {

  /**
   * The built-in pacing, with the limits overridden from the environment: {@code
   * PLINTH_JOBS_MAX_ACTIVE} and {@code PLINTH_JOBS_MAX_PER_BMC} (or the system properties {@code
   * plinth.jobs.maxActive} and {@code plinth.jobs.maxPerBmc}).
   */
  public static JobSettings defaults() {
    return builtIn().withLimitsFrom(System.getenv(), System.getProperties());
  }

  /** {@link #defaults()} without the environment's overrides. */
  public static JobSettings builtIn() {
    return new JobSettings(
        Duration.ofHours(1),
        Duration.ofMinutes(10),
        Duration.ofMinutes(15),
        Duration.ofHours(4),
        Duration.ofMinutes(10),
        200,
        8,
        Duration.ofSeconds(30),
        Duration.ofSeconds(1));
  }

  /** How long a job may stay in {@code s}. */
  public Duration deadline(JobState s) {
    return switch (s) {
      case PENDING -> pending;
      case MEDIA_READY -> mediaReady;
      case BOOTING -> booting;
      case RUNNING -> running;
      case FINISHING -> finishing;
      case SUCCEEDED, FAILED, CANCELED, TIMED_OUT -> Duration.ZERO;
    };
  }

  /**
   * These settings with {@code maxActive} and {@code maxPerBmc} taken from {@code env} ({@code
   * PLINTH_JOBS_MAX_ACTIVE}, {@code PLINTH_JOBS_MAX_PER_BMC}) or {@code props} ({@code
   * plinth.jobs.maxActive}, {@code plinth.jobs.maxPerBmc}), where set.
   *
   * @throws IllegalArgumentException for a value that is not a positive integer
   */
  public JobSettings withLimitsFrom(Map<String, String> env, Properties props) {
    int active = limit(env, props, "PLINTH_JOBS_MAX_ACTIVE", "plinth.jobs.maxActive", maxActive);
    int perBmc = limit(env, props, "PLINTH_JOBS_MAX_PER_BMC", "plinth.jobs.maxPerBmc", maxPerBmc);
    return withLimits(active, perBmc);
  }

  private static int limit(
      Map<String, String> env, Properties props, String var, String prop, int dflt) {
    String v = props.getProperty(prop, env.get(var));
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(var + " / " + prop + " must be a positive integer: " + v);
  }

  public JobSettings withLimits(int active, int perBmc) {
    return new JobSettings(
        pending, mediaReady, booting, running, finishing, active, perBmc, lease, tick);
  }

  public JobSettings withDeadlines(Duration all) {
    return new JobSettings(all, all, all, all, all, maxActive, maxPerBmc, lease, tick);
  }
}
