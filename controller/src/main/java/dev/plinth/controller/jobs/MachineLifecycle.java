/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.MachineChange;
import dev.plinth.controller.store.MachineState;
import dev.plinth.controller.store.MachineStates;
import dev.plinth.controller.store.MachineStatus;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Function;

/**
 * The one writer of machine state. Enrolment and the operator's verbs call {@link #fire}; a job's
 * submission and end move its machine in the same transaction as the job's own change, through the
 * functions {@link #jobStarts} and {@link #jobEnds} give {@link JobLifecycle}. Every change is
 * looked up in {@link MachineTransitions} and stored as a compare-and-set on the state it starts
 * from ({@code ControllerArchitectureTest}: nothing else calls {@code MachineStates.change}).
 */
public final class MachineLifecycle {

  private static final System.Logger LOG = System.getLogger(MachineLifecycle.class.getName());

  /** The event is not allowed in the machine's state: nothing changed. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final MachineState state;

    public Refused(String message, MachineState state) {
      super(message);
      this.state = state;
    }

    /** The state the machine is in. */
    public MachineState state() {
      return state;
    }
  }

  private final MachineStates states;
  private final InstantSource clock;

  public MachineLifecycle(MachineStates states, InstantSource clock) {
    this.states = states;
    this.clock = clock;
  }

  /**
   * Applies {@code event} to the machine as it is now.
   *
   * @param name the machine's name, for messages
   * @param reason why (shown with the state)
   * @return the state after the change
   * @throws Refused when the table does not allow it in the machine's state (or it changed
   *     meanwhile); {@link java.util.NoSuchElementException} when there is no such machine
   */
  public MachineStatus fire(String machineId, String name, MachineEvent event, String reason) {
    return fire(machineId, name, event, reason, null);
  }

  /**
   * {@link #fire(String, String, MachineEvent, String)} by {@code actor} (a token's name), kept in
   * the machine's history.
   */
  public MachineStatus fire(
      String machineId, String name, MachineEvent event, String reason, String actor) {
    Instant now = clock.instant();
    return states
        .change(machineId, st -> change(st, event, reason, now, name, actor))
        .orElseThrow(() -> new java.util.NoSuchElementException("machine " + name));
  }

  /**
   * What submitting job {@code jobId} does to its machine: Provisioning, or the job is refused
   * ({@link Refused}) when the machine takes no jobs. A machine already Provisioning is left alone:
   * the one-active-job rule refuses the job.
   */
  static Function<MachineStatus, MachineChange> jobStarts(String name, String jobId, Instant now) {
    return st ->
        st.state() == MachineState.PROVISIONING
            ? null
            : change(st, MachineEvent.JOB_STARTED, "job " + jobId, now, name, "job " + jobId);
  }

  /**
   * What job {@code jobId} moving from {@code from} to {@code to} does to its machine (null:
   * nothing, the job has not ended). A machine not in Provisioning (a job from before the
   * lifecycle) is left alone.
   */
  static Function<MachineStatus, MachineChange> jobEnds(
      String jobId, JobState from, JobState to, Instant now) {
    if (!to.terminal()) {
      return null;
    }
    MachineEvent e =
        switch (to) {
          case SUCCEEDED -> MachineEvent.JOB_SUCCEEDED;
          case FAILED, TIMED_OUT -> MachineEvent.JOB_FAILED;
          case CANCELED ->
              from == JobState.PENDING || from == JobState.MEDIA_READY
                  ? MachineEvent.JOB_CANCELED_UNTOUCHED
                  : MachineEvent.JOB_CANCELED;
          default -> throw new IllegalStateException(to.name());
        };
    String reason = "job " + jobId + " " + to.wire();
    return st -> {
      var next = MachineTransitions.next(st.state(), e, st.before());
      if (next.isEmpty()) {
        LOG.log(
            Level.WARNING,
            "machine {0}: {1} of job {2} refused in {3}",
            st.machineId(),
            e,
            jobId,
            st.state().wire());
        return null;
      }
      return new MachineChange(
          st.machineId(), st.state(), next.get(), null, reason, now, "job " + jobId);
    };
  }

  private static MachineChange change(
      MachineStatus st, MachineEvent event, String reason, Instant now, String name, String actor) {
    MachineState to =
        MachineTransitions.next(st.state(), event, st.before())
            .orElseThrow(() -> new Refused(refusal(name, st, event), st.state()));
    // Remember where to go back to from the states that return (maintenance, a job).
    MachineState before =
        to == MachineState.MAINTENANCE || to == MachineState.PROVISIONING ? st.state() : null;
    return new MachineChange(st.machineId(), st.state(), to, before, reason, now, actor);
  }

  /** Why {@code event} is refused in the machine's state, and what to do. */
  static String refusal(String name, MachineStatus st, MachineEvent event) {
    String why = st.reason() == null ? "" : " (" + st.reason() + ")";
    String is =
        "machine "
            + name
            + " is "
            + switch (st.state()) {
              case MAINTENANCE -> "in maintenance";
              case DECOMMISSIONING -> "being decommissioned";
              default -> st.state().wire();
            }
            + why;
    return switch (event) {
      case JOB_STARTED ->
          switch (st.state()) {
            case MAINTENANCE ->
                is
                    + ": a machine in maintenance takes no jobs; end it first (plinth machines"
                    + " maintenance "
                    + name
                    + " off, POST /api/v1/machines/"
                    + name
                    + "/maintenance {\"enabled\": false})";
            case ENROLLING ->
                is
                    + ": it takes jobs once enrolled; check its BMC and read its inventory"
                    + " (plinth machines inspect "
                    + name
                    + ", POST /api/v1/machines/"
                    + name
                    + "/inventory)";
            case DECOMMISSIONING -> is + ": it takes no more jobs";
            default -> is + ": it takes no jobs now";
          };
      case MAINTENANCE_ON, DECOMMISSION ->
          st.state() == MachineState.PROVISIONING
              ? is + ": a job is active on it; cancel the job first"
              : is + ": " + event.name().toLowerCase(java.util.Locale.ROOT) + " is not allowed";
      case MAINTENANCE_OFF -> is + ": it is not in maintenance";
      default -> is + ": " + event.name().toLowerCase(java.util.Locale.ROOT) + " is not allowed";
    };
  }
}
