/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** What the dispatcher does when a step fails after its retries. */
public enum OnFailure {
  /** Stop the job: it fails with this step as the cause. */
  ABORT,
  /** Record the failure and go on with the next step. */
  CONTINUE
}
