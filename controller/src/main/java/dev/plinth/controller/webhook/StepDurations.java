/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.webhook;

import dev.plinth.contract.ContractException;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.JobEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a step attempt took, for the step-duration metric: the {@code durationMs} the dispatcher
 * reports on {@code step.succeeded} and {@code step.failed}, or, when an event carries none (the
 * field is optional in Webhook v1), the time between the attempt's {@code step.started} and this
 * event, both by the dispatcher's clock.
 */
final class StepDurations {

  private StepDurations() {}

  /** The attempt's duration in seconds, or NaN when it cannot be told. */
  static double seconds(EventStore events, Event result) {
    if (result.durationMs() != null) {
      return result.durationMs() >= 0 ? result.durationMs() / 1e3 : Double.NaN;
    }
    Optional<JobEvent> started =
        events.latest(result.jobId(), EventType.STEP_STARTED.wire(), result.step());
    if (started.isEmpty()) {
      return Double.NaN;
    }
    Event s;
    try {
      s = ContractJson.readEvent(started.get().data().getBytes(StandardCharsets.UTF_8));
    } catch (ContractException e) {
      return Double.NaN;
    }
    if (!Objects.equals(s.stepIndex(), result.stepIndex())
        || !Objects.equals(s.attempt(), result.attempt())) {
      return Double.NaN;
    }
    Duration d = Duration.between(s.time(), result.time());
    return d.isNegative() ? Double.NaN : d.toNanos() / 1e9;
  }
}
