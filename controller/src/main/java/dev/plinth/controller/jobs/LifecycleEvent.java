/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

/**
 * What happens to a job, as {@link Transitions} knows it. The engine reports what its side effects
 * achieved or why a job ends; the webhook reports the dispatcher's {@code booted} and {@code
 * finished}. Which state each leads to, from which state, is {@link Transitions}' table alone.
 */
public enum LifecycleEvent {
  /** The engine wrote the task ISO. */
  TASK_ISO_BUILT,
  /** The engine starts booting the machine from the media. */
  BOOT_STARTED,
  /** The dispatcher reported {@code booted}. */
  BOOTED,
  /** The dispatcher reported {@code finished} (either outcome). */
  FINISHED,
  /** The dispatcher booted again from its first event: it lost its state, the job fails. */
  STARTED_OVER,
  /** The engine returned the machine to its disk after the dispatcher reported success. */
  RETURNED_TO_DISK,
  /** The job cannot go on (the dispatcher's failure, a BMC refusal, a deleted machine). */
  FAIL,
  /** The engine acts on a cancel request. */
  CANCEL,
  /** The deadline of the job's state passed. */
  DEADLINE_PASSED
}
