/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;
import java.util.function.Function;

/**
 * A state change to store: compare-and-set from {@code from} to {@code to}.
 *
 * @param reason why (kept on the job; null keeps the old one)
 * @param lastStep the step the job was at (null keeps the old one)
 * @param deadline when the new state times out (ignored for terminal states)
 * @param machine what the change does to the job's machine, decided from its state in the same
 *     transaction (null, or a function that gives null: nothing; one that throws: the job's change
 *     is not stored either)
 * @param leaseOwner null for a change that any controller may store (webhook events, test set-up);
 *     otherwise the change is fenced: stored only while this owner holds the job's lease unexpired
 *     at {@code at}, refused with {@link LeaseLostException} when it does not
 */
public record Transition(
    String jobId,
    JobState from,
    JobState to,
    String reason,
    String lastStep,
    Instant deadline,
    Instant at,
    Function<MachineStatus, MachineChange> machine,
    String leaseOwner) {

  /** An unfenced change (see {@code leaseOwner}). */
  public Transition(
      String jobId,
      JobState from,
      JobState to,
      String reason,
      String lastStep,
      Instant deadline,
      Instant at,
      Function<MachineStatus, MachineChange> machine) {
    this(jobId, from, to, reason, lastStep, deadline, at, machine, null);
  }

  /** This change, fenced by {@code owner}'s lease on the job. */
  public Transition fencedBy(String owner) {
    return new Transition(jobId, from, to, reason, lastStep, deadline, at, machine, owner);
  }

  /** A change that leaves the machine's state alone. */
  public Transition(
      String jobId,
      JobState from,
      JobState to,
      String reason,
      String lastStep,
      Instant deadline,
      Instant at) {
    this(jobId, from, to, reason, lastStep, deadline, at, null, null);
  }
}
