/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.time.Duration;
import java.util.Optional;

/**
 * How a step is run: its time limit (absent: the step type's default), how often it is retried, and
 * what a final failure means.
 */
public record StepPolicy(Optional<Duration> timeout, int retries, OnFailure onFailure) {
  public StepPolicy {
    timeout = timeout == null ? Optional.empty() : timeout;
    onFailure = onFailure == null ? OnFailure.ABORT : onFailure;
    if (retries < 0) {
      throw new IllegalArgumentException("retries < 0");
    }
  }

  /** The defaults: type's own timeout, no retries, abort. */
  public static StepPolicy defaults() {
    return new StepPolicy(Optional.empty(), 0, OnFailure.ABORT);
  }
}
