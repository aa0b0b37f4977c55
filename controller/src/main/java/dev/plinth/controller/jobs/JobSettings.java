/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.JobState;
import java.time.Duration;

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

  public static JobSettings defaults() {
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

  public JobSettings withLimits(int active, int perBmc) {
    return new JobSettings(
        pending, mediaReady, booting, running, finishing, active, perBmc, lease, tick);
  }

  public JobSettings withDeadlines(Duration all) {
    return new JobSettings(all, all, all, all, all, maxActive, maxPerBmc, lease, tick);
  }
}
