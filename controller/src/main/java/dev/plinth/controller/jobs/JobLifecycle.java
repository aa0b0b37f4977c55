/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Transition;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The one writer of job state. Submission ({@link #create}) and cancel requests come from the API
 * through {@link JobService}, dispatcher events from the webhook ({@link #onEvent}), and what the
 * engine's side effects achieved from the engine ({@link #fire}). Every change is looked up in
 * {@link Transitions}' table (a refused event changes nothing) and stored as a compare-and-set on
 * the state it starts from, with the new state's deadline; no other class calls the store's state
 * writes ({@code ControllerArchitectureTest} checks it). A job's start and end move its machine
 * ({@link MachineLifecycle}) in the same transaction.
 */
public final class JobLifecycle {

  private static final System.Logger LOG = System.getLogger(JobLifecycle.class.getName());

  private final JobStore jobs;
  private final JobSettings settings;
  private final InstantSource clock;

  public JobLifecycle(JobStore jobs, JobSettings settings, InstantSource clock) {
    this.jobs = jobs;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Stores a new job, which starts Pending.
   *
   * @throws dev.plinth.controller.store.ConflictException when the machine has an active job
   */
  public Job create(Job j) {
    return create(j, null);
  }

  /**
   * Stores a new job, which starts Pending, with its plan (JSON, may be null), and moves its
   * machine to Provisioning in the same transaction ({@link MachineLifecycle#jobStarts}).
   *
   * @throws dev.plinth.controller.store.ConflictException when the machine has an active job
   * @throws MachineLifecycle.Refused when the machine takes no jobs (maintenance, enrolling,
   *     decommissioning): nothing is stored
   */
  public Job create(Job j, String plan) {
    if (j.state() != JobState.PENDING) {
      throw new IllegalArgumentException("a job starts Pending, not " + j.state().wire());
    }
    return jobs.create(j, plan, MachineLifecycle.jobStarts(j.machineName(), j.id(), j.createdAt()));
  }

  /** Marks a job for cancellation (the engine then fires {@link LifecycleEvent#CANCEL}). */
  public Optional<Job> requestCancel(String id) {
    return jobs.requestCancel(id, clock.instant());
  }

  /**
   * Applies {@code event} to {@code j} as last read: stored only if the job is still in {@code
   * j.state()} and the table allows the event there. Not fenced by a lease: for callers that do not
   * drive the job (tests, set-up); the engine uses {@link #fire(Job, LifecycleEvent, String,
   * String)}.
   *
   * @param reason why, kept on the job (null keeps the reason it has)
   * @return the job after the change, or empty when it was refused or the job had moved on
   */
  public Optional<Job> fire(Job j, LifecycleEvent event, String reason) {
    return fire(j, event, reason, null);
  }

  /**
   * {@link #fire(Job, LifecycleEvent, String)} fenced by {@code leaseOwner}'s lease: the engine's
   * writes go through here, so a controller that stalled past its lease (GC, SIGSTOP) cannot store
   * a transition for a job another controller now drives.
   *
   * @param leaseOwner the controller that must hold the job's unexpired lease (null: unfenced)
   * @throws dev.plinth.controller.store.LeaseLostException when it does not: nothing was stored
   */
  public Optional<Job> fire(Job j, LifecycleEvent event, String reason, String leaseOwner) {
    Optional<JobState> to = Transitions.next(j.state(), event);
    if (to.isEmpty()) {
      LOG.log(Level.WARNING, "job {0}: {1} refused in {2}", j.id(), event, j.state().wire());
      return Optional.empty();
    }
    Transition t = transition(j.id(), j.state(), to.get(), reason, clock.instant());
    return jobs.transition(leaseOwner == null ? t : t.fencedBy(leaseOwner));
  }

  /**
   * Stores a dispatcher event and the state change it causes ({@code booted}: Booting to Running;
   * {@code finished}: to Finishing with the outcome as the reason) in one transaction that is on
   * disk when this returns.
   *
   * @param data the event as received
   */
  public EventStore.Appended onEvent(String jobId, Event e, String data) {
    Instant now = clock.instant();
    LifecycleEvent event =
        switch (e.type()) {
          case BOOTED -> LifecycleEvent.BOOTED;
          case FINISHED -> LifecycleEvent.FINISHED;
          case STEP_STARTED, STEP_SUCCEEDED, STEP_FAILED, HEARTBEAT -> null;
        };
    String reason =
        switch (e.type()) {
          case BOOTED -> "dispatcher booted";
          case FINISHED ->
              Event.OUTCOME_SUCCEEDED.equals(e.outcome())
                  ? "succeeded"
                  : "failed: " + (e.message() == null ? "a step failed" : e.message());
          default -> null;
        };
    return jobs.appendEvent(
        jobId,
        e.eventId(),
        e.sequence(),
        e.type().wire(),
        e.step(),
        data,
        now,
        e.type() == EventType.STEP_STARTED ? e.step() : null,
        event == null ? null : from -> change(jobId, from, event, reason, now));
  }

  /**
   * The dispatcher started the task over (it lost its state): a Running job fails through
   * Finishing, durably.
   *
   * @return whether the job was Running and now fails
   */
  public boolean startedOver(String jobId, String reason) {
    Instant now = clock.instant();
    return jobs.changeDurably(
            jobId, from -> change(jobId, from, LifecycleEvent.STARTED_OVER, reason, now))
        .isPresent();
  }

  private Transition change(
      String jobId, JobState from, LifecycleEvent event, String reason, Instant now) {
    return Transitions.next(from, event)
        .map(to -> transition(jobId, from, to, reason, now))
        .orElse(null);
  }

  private Transition transition(
      String jobId, JobState from, JobState to, String reason, Instant now) {
    return new Transition(
        jobId,
        from,
        to,
        reason,
        null,
        now.plus(settings.deadline(to)),
        now,
        MachineLifecycle.jobEnds(jobId, from, to, now));
  }
}
