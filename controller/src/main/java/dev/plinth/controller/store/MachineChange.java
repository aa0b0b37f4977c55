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
 */
public record MachineChange(
    String machineId,
    MachineState from,
    MachineState to,
    MachineState before,
    String reason,
    Instant at) {}
