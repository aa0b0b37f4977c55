/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;

/**
 * A machine state change to store: compare-and-set from {@code from} to {@code to}.
 *
 * @param before the state to remember for a later return (null clears it)
 * @param reason why (shown with the state)
 * @param actor who made the change (a token's name, or {@code job ID}), kept in the machine's
 *     history ({@link MachineHistory}); null when unknown
 */
public record MachineChange(
    String machineId,
    MachineState from,
    MachineState to,
    MachineState before,
    String reason,
    Instant at,
    String actor) {

  /** A change by no one in particular. */
  public MachineChange(
      String machineId,
      MachineState from,
      MachineState to,
      MachineState before,
      String reason,
      Instant at) {
    this(machineId, from, to, before, reason, at, null);
  }
}
