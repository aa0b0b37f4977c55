/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.MachineState;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The machine lifecycle's transition table: for each state and {@link MachineEvent}, the next
 * state, or nothing when the event is refused there. Two events go back to the state the machine
 * was in before ({@link #returnsToBefore}): the table holds the state they fall back to when that
 * is unknown. {@code docs/controller.md} prints this table; {@code MachineTransitionsTest} checks
 * every pair and the docs.
 *
 * <pre>
 * Enrolling ─ENROLLED→ Available
 * Available, Provisioned, Failed ─JOB_STARTED→ Provisioning
 * Provisioning ─JOB_SUCCEEDED→ Provisioned, ─JOB_FAILED→ Failed, ─JOB_CANCELED→ Available,
 *              ─JOB_CANCELED_UNTOUCHED→ (before)
 * Enrolling, Available, Provisioned, Failed ─MAINTENANCE_ON→ Maintenance ─MAINTENANCE_OFF→ (before)
 * any but Provisioning, Decommissioning ─DECOMMISSION→ Decommissioning
 * </pre>
 */
public final class MachineTransitions {

  private static final Map<MachineState, Map<MachineEvent, MachineState>> TABLE = table();
  private static final Set<MachineEvent> RETURNS =
      EnumSet.of(MachineEvent.JOB_CANCELED_UNTOUCHED, MachineEvent.MAINTENANCE_OFF);

  private MachineTransitions() {}

  /**
   * The state {@code event} leads to from {@code from}, or empty when it is refused there.
   *
   * @param before the state the machine was in before {@code from} (may be null)
   */
  public static Optional<MachineState> next(
      MachineState from, MachineEvent event, MachineState before) {
    MachineState to = TABLE.get(from).get(event);
    if (to != null && RETURNS.contains(event) && before != null) {
      return Optional.of(before);
    }
    return Optional.ofNullable(to);
  }

  /** The declared transitions out of {@code from} (fallbacks for the returning events). */
  public static Map<MachineEvent, MachineState> from(MachineState from) {
    return TABLE.get(from);
  }

  /** Whether {@code event} goes back to the state before, when it is known. */
  public static boolean returnsToBefore(MachineEvent event) {
    return RETURNS.contains(event);
  }

  /** Whether a machine in {@code s} takes a new job. */
  public static boolean takesJobs(MachineState s) {
    return TABLE.get(s).containsKey(MachineEvent.JOB_STARTED);
  }

  private static Map<MachineState, Map<MachineEvent, MachineState>> table() {
    Map<MachineState, Map<MachineEvent, MachineState>> t = new EnumMap<>(MachineState.class);
    for (MachineState s : MachineState.values()) {
      t.put(s, new EnumMap<>(MachineEvent.class));
    }
    t.get(MachineState.ENROLLING).put(MachineEvent.ENROLLED, MachineState.AVAILABLE);
    for (MachineState s :
        EnumSet.of(MachineState.AVAILABLE, MachineState.PROVISIONED, MachineState.FAILED)) {
      t.get(s).put(MachineEvent.JOB_STARTED, MachineState.PROVISIONING);
    }
    var p = t.get(MachineState.PROVISIONING);
    p.put(MachineEvent.JOB_SUCCEEDED, MachineState.PROVISIONED);
    p.put(MachineEvent.JOB_FAILED, MachineState.FAILED);
    p.put(MachineEvent.JOB_CANCELED, MachineState.AVAILABLE);
    p.put(MachineEvent.JOB_CANCELED_UNTOUCHED, MachineState.AVAILABLE);
    for (MachineState s :
        EnumSet.of(
            MachineState.ENROLLING,
            MachineState.AVAILABLE,
            MachineState.PROVISIONED,
            MachineState.FAILED)) {
      t.get(s).put(MachineEvent.MAINTENANCE_ON, MachineState.MAINTENANCE);
      t.get(s).put(MachineEvent.DECOMMISSION, MachineState.DECOMMISSIONING);
    }
    t.get(MachineState.MAINTENANCE).put(MachineEvent.MAINTENANCE_OFF, MachineState.AVAILABLE);
    t.get(MachineState.MAINTENANCE).put(MachineEvent.DECOMMISSION, MachineState.DECOMMISSIONING);
    t.replaceAll((s, m) -> Collections.unmodifiableMap(m));
    return Collections.unmodifiableMap(t);
  }
}
