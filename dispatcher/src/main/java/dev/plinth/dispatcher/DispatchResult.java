/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import java.util.List;

/**
 * How a run ended.
 *
 * @param jobId the job
 * @param succeeded every step succeeded
 * @param failedSteps names of the steps that failed for good
 * @param delivered every event was acknowledged (or refused) before the drain timeout
 */
public record DispatchResult(
    String jobId, boolean succeeded, List<String> failedSteps, boolean delivered) {

  public DispatchResult {
    failedSteps = List.copyOf(failedSteps);
  }
}
