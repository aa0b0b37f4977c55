/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;

/**
 * A machine's lifecycle state as stored.
 *
 * @param before the state to go back to (from maintenance, or when a job is canceled before the
 *     machine booted it), or null
 * @param reason why it is in this state, or null
 * @param since when it entered this state, or null (never changed since the upgrade)
 */
public record MachineStatus(
    String machineId, MachineState state, MachineState before, String reason, Instant since) {}
