/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.JobState;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The job lifecycle's transition table: for each state and {@link LifecycleEvent}, the next state,
 * or nothing when the event is refused in that state. Terminal states refuse every event. {@code
 * docs/controller.md} prints this table; {@code TransitionsTest} checks every pair and the docs.
 *
 * <pre>
 * Pending ─TASK_ISO_BUILT→ MediaReady ─BOOT_STARTED→ Booting ─BOOTED→ Running
 * Booting, Running ─FINISHED→ Finishing;  Running ─STARTED_OVER→ Finishing
 * Finishing ─RETURNED_TO_DISK→ Succeeded
 * any active state ─FAIL→ Failed, ─CANCEL→ Canceled, ─DEADLINE_PASSED→ TimedOut
 * </pre>
 */
public final class Transitions {

  private static final Map<JobState, Map<LifecycleEvent, JobState>> TABLE = table();

  private Transitions() {}

  /** The state {@code event} leads to from {@code from}, or empty when it is refused there. */
  public static Optional<JobState> next(JobState from, LifecycleEvent event) {
    return Optional.ofNullable(TABLE.get(from).get(event));
  }

  /** The declared transitions out of {@code from} (empty for a terminal state). */
  public static Map<LifecycleEvent, JobState> from(JobState from) {
    return TABLE.get(from);
  }

  private static Map<JobState, Map<LifecycleEvent, JobState>> table() {
    Map<JobState, Map<LifecycleEvent, JobState>> t = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      t.put(s, new EnumMap<>(LifecycleEvent.class));
    }
    t.get(JobState.PENDING).put(LifecycleEvent.TASK_ISO_BUILT, JobState.MEDIA_READY);
    t.get(JobState.MEDIA_READY).put(LifecycleEvent.BOOT_STARTED, JobState.BOOTING);
    t.get(JobState.BOOTING).put(LifecycleEvent.BOOTED, JobState.RUNNING);
    t.get(JobState.BOOTING).put(LifecycleEvent.FINISHED, JobState.FINISHING);
    t.get(JobState.RUNNING).put(LifecycleEvent.FINISHED, JobState.FINISHING);
    t.get(JobState.RUNNING).put(LifecycleEvent.STARTED_OVER, JobState.FINISHING);
    t.get(JobState.FINISHING).put(LifecycleEvent.RETURNED_TO_DISK, JobState.SUCCEEDED);
    for (JobState s : JobState.values()) {
      if (!s.terminal()) {
        t.get(s).put(LifecycleEvent.FAIL, JobState.FAILED);
        t.get(s).put(LifecycleEvent.CANCEL, JobState.CANCELED);
        t.get(s).put(LifecycleEvent.DEADLINE_PASSED, JobState.TIMED_OUT);
      }
    }
    t.replaceAll((s, m) -> Collections.unmodifiableMap(m));
    return Collections.unmodifiableMap(t);
  }
}
