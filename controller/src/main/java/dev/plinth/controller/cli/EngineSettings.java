/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.config.JobLimits;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/** The job engine's pacing for {@code plinth serve}, from the configuration. */
final class EngineSettings {

  private EngineSettings() {}

  /**
   * Built-in values, overridden by {@code jobs:} in {@code plinth.yaml} and by {@code
   * PLINTH_JOBS_MAX_ACTIVE} / {@code PLINTH_JOBS_MAX_PER_BMC} (both already in {@code c}), then by
   * the system properties {@code plinth.jobs.maxActive} / {@code plinth.jobs.maxPerBmc}.
   */
  static JobSettings of(PlinthConfig c, Properties props) {
    JobSettings b = JobSettings.builtIn();
    JobLimits l = c.jobs();
    Map<String, Duration> d = l.deadlines();
    return new JobSettings(
            d.getOrDefault("pending", b.pending()),
            d.getOrDefault("mediaReady", b.mediaReady()),
            d.getOrDefault("booting", b.booting()),
            d.getOrDefault("running", b.running()),
            d.getOrDefault("finishing", b.finishing()),
            l.maxActive() != null ? l.maxActive() : b.maxActive(),
            l.maxPerBmc() != null ? l.maxPerBmc() : b.maxPerBmc(),
            lease(System.getenv("PLINTH_JOBS_LEASE"), props, b.lease()),
            b.tick())
        .withLimitsFrom(Map.of(), props);
  }

  /**
   * How long a job's lease (and a BMC session slot) lasts without renewal: {@code
   * PLINTH_JOBS_LEASE} or the system property {@code plinth.jobs.lease} ({@code 30s}, {@code 2m},
   * ISO-8601), at least two engine ticks. With several controllers it is how long a dead one's jobs
   * wait before another takes them over.
   */
  static Duration lease(String env, Properties props, Duration dflt) {
    String v = props.getProperty("plinth.jobs.lease", env);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    Duration d;
    try {
      d = dev.plinth.controller.config.Durations.parse(v.strip());
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new IllegalArgumentException(
          "PLINTH_JOBS_LEASE / plinth.jobs.lease must be a duration of at least 2s: " + v);
    }
    return d;
  }
}
