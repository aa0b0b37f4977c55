/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;

/**
 * Job engine metrics: jobs by state, BMC call latency and errors, webhook events, step durations.
 */
public final class JobMetrics {

  private final Histogram bmcCalls;
  private final Counter webhookEvents;
  private final Histogram stepDuration;

  public JobMetrics(PrometheusRegistry registry, JobStore jobs) {
    bmcCalls =
        Histogram.builder()
            .name("plinth_bmc_call_seconds")
            .help("Time of a BMC operation (boot from ISO, boot from disk, eject), by outcome")
            .labelNames("operation", "outcome")
            .register(registry);
    webhookEvents =
        Counter.builder()
            .name("plinth_webhook_events_total")
            .help("Dispatcher events received, by answer (stored, duplicate, refused...)")
            .labelNames("outcome")
            .register(registry);
    // Labelled by result only: step names come from recipes, an unbounded set.
    stepDuration =
        Histogram.builder()
            .name("plinth_step_duration_seconds")
            .help("Wall time of a recipe step attempt (by the dispatcher), by result")
            .labelNames("result")
            .classicOnly()
            .classicUpperBounds(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400)
            .register(registry);
    GaugeWithCallback.builder()
        .name("plinth_jobs")
        .help("Jobs by state")
        .labelNames("state")
        .callback(
            cb -> {
              Map<JobState, Long> n = jobs.countByState();
              for (JobState s : JobState.values()) {
                cb.call(n.getOrDefault(s, 0L), s.wire());
              }
            })
        .register(registry);
  }

  /** Metrics that go nowhere (tests that do not look at them). */
  public static JobMetrics none(JobStore jobs) {
    return new JobMetrics(new PrometheusRegistry(), jobs);
  }

  void bmcCall(String operation, boolean ok, long nanos) {
    bmcCalls.labelValues(operation, ok ? "ok" : "error").observe(nanos / 1e9);
  }

  /**
   * Observes one finished step attempt.
   *
   * @param succeeded whether the attempt succeeded ({@code step.succeeded}) or failed
   */
  public void stepFinished(boolean succeeded, double seconds) {
    stepDuration.labelValues(succeeded ? "succeeded" : "failed").observe(seconds);
  }

  /** Counts one webhook answer. */
  public void webhook(String outcome) {
    webhookEvents.labelValues(outcome).inc();
  }
}
