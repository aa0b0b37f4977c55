/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults a simulated BMC injects. Rates are probabilities per request (0 to 1), drawn from the
 * BMC's own seeded random source, so a run is repeatable.
 *
 * @param latency added before every answer
 * @param errorRate share of requests answered 503 with {@code Retry-After: 0}, before any effect
 * @param dropRate share of requests whose connection is closed without an answer, before any effect
 * @param sessionTtl sessions older than this are expired (401); zero: never
 * @param asyncActions actions and PATCHes answer 202 with a task monitor
 * @param failTasks those tasks end in Exception and change nothing
 * @param powerTransition how long PoweringOn/PoweringOff last
 * @param closeAfterAnswerRate share of answers after which the BMC closes the kept-alive connection
 *     without saying so ({@code Connection: close} is not sent), as a BMC (or the JDK's HTTP server
 *     past its idle-connection limit) does: the client's next request on it finds it closed and
 *     must retry on a new one
 */
public record Faults(
    Duration latency,
    double errorRate,
    double dropRate,
    Duration sessionTtl,
    boolean asyncActions,
    boolean failTasks,
    Duration powerTransition,
    double closeAfterAnswerRate) {

  /** No faults at all. */
  public static final Faults NONE =
      new Faults(Duration.ZERO, 0, 0, Duration.ZERO, false, false, Duration.ZERO, 0);

  public Faults {
    Objects.requireNonNull(latency);
    Objects.requireNonNull(sessionTtl);
    Objects.requireNonNull(powerTransition);
    if (errorRate < 0
        || errorRate > 1
        || dropRate < 0
        || dropRate > 1
        || closeAfterAnswerRate < 0
        || closeAfterAnswerRate > 1) {
      throw new IllegalArgumentException("rates are between 0 and 1");
    }
  }

  public Faults withLatency(Duration d) {
    return new Faults(
        d,
        errorRate,
        dropRate,
        sessionTtl,
        asyncActions,
        failTasks,
        powerTransition,
        closeAfterAnswerRate);
  }

  public Faults withErrorRate(double r) {
    return new Faults(
        latency,
        r,
        dropRate,
        sessionTtl,
        asyncActions,
        failTasks,
        powerTransition,
        closeAfterAnswerRate);
  }

  public Faults withDropRate(double r) {
    return new Faults(
        latency,
        errorRate,
        r,
        sessionTtl,
        asyncActions,
        failTasks,
        powerTransition,
        closeAfterAnswerRate);
  }

  public Faults withSessionTtl(Duration d) {
    return new Faults(
        latency,
        errorRate,
        dropRate,
        d,
        asyncActions,
        failTasks,
        powerTransition,
        closeAfterAnswerRate);
  }

  public Faults withAsyncActions(boolean b) {
    return new Faults(
        latency,
        errorRate,
        dropRate,
        sessionTtl,
        b,
        failTasks,
        powerTransition,
        closeAfterAnswerRate);
  }

  public Faults withFailTasks(boolean b) {
    return new Faults(
        latency,
        errorRate,
        dropRate,
        sessionTtl,
        asyncActions,
        b,
        powerTransition,
        closeAfterAnswerRate);
  }

  public Faults withPowerTransition(Duration d) {
    return new Faults(
        latency, errorRate, dropRate, sessionTtl, asyncActions, failTasks, d, closeAfterAnswerRate);
  }

  public Faults withCloseAfterAnswerRate(double r) {
    return new Faults(
        latency, errorRate, dropRate, sessionTtl, asyncActions, failTasks, powerTransition, r);
  }
}
