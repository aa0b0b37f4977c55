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
            b.lease(),
            b.tick())
        .withLimitsFrom(Map.of(), props);
  }
}
