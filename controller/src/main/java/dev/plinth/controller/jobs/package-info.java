/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The job engine: submission, the durable state machine that drives a job from Pending to a final
 * state through the BMC, deadlines, limits, leases and resume after restart.
 */
package dev.plinth.controller.jobs;
