/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;

/**
 * A state change to store: compare-and-set from {@code from} to {@code to}.
 *
 * @param reason why (kept on the job; null keeps the old one)
 * @param lastStep the step the job was at (null keeps the old one)
 * @param deadline when the new state times out (ignored for terminal states)
 */
public record Transition(
    String jobId,
    JobState from,
    JobState to,
    String reason,
    String lastStep,
    Instant deadline,
    Instant at) {}
