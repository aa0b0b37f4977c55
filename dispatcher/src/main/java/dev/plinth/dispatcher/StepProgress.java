/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.dispatcher.runner.StepResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What the event history says about one step: how far it got. Rebuilt from the journal on every
 * start, so a restarted dispatcher never runs a finished step again.
 *
 * @param state where the step stands
 * @param lastAttempt the highest attempt number started (0 if none)
 * @param interrupted attempts cut short by a restart (they do not count against retries)
 */
record StepProgress(State state, int lastAttempt, int interrupted) {

  enum State {
    NOT_STARTED,
    /** An attempt was started and its end was not recorded. */
    RUNNING,
    /** The last attempt failed and another one is due. */
    RETRYING,
    SUCCEEDED,
    FAILED
  }

  /** The progress of every step of a task, from the job's events. */
  static List<StepProgress> replay(List<Event> history, int steps) {
    List<StepProgress> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.add(new StepProgress(State.NOT_STARTED, 0, 0));
    }
    for (Event e : history) {
      if (e.stepIndex() == null || e.stepIndex() >= steps || e.type() == EventType.HEARTBEAT) {
        continue;
      }
      StepProgress p = out.get(e.stepIndex());
      StepProgress next =
          switch (e.type()) {
            case STEP_STARTED -> new StepProgress(State.RUNNING, e.attempt(), p.interrupted());
            case STEP_SUCCEEDED -> new StepProgress(State.SUCCEEDED, e.attempt(), p.interrupted());
            case STEP_FAILED ->
                new StepProgress(
                    Boolean.TRUE.equals(e.willRetry()) ? State.RETRYING : State.FAILED,
                    e.attempt(),
                    p.interrupted() + (e.exitCode() == StepResult.INTERRUPTED ? 1 : 0));
            default -> p;
          };
      out.set(e.stepIndex(), next);
    }
    return out;
  }

  /** Whether the job's history already holds its final event. */
  static boolean finished(List<Event> history) {
    return history.stream().anyMatch(e -> e.type() == EventType.FINISHED);
  }
}
