/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

/**
 * A fenced write ({@link Transition#leaseOwner()}) was refused: the writer no longer holds the
 * job's lease (it expired, or another controller claimed the job). Nothing was stored; the writer
 * must stop driving the job. Not a {@link StoreException}: the database is fine, the writer is
 * stale.
 */
public final class LeaseLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String jobId;

  public LeaseLostException(String jobId, String owner, String holder) {
    super(
        "job "
            + jobId
            + ": "
            + owner
            + " no longer holds the lease"
            + (holder == null || holder.equals(owner) ? " (expired)" : " (" + holder + " does)"));
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }
}
