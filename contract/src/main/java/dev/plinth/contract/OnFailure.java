/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the job does when a step has failed its last attempt. */
public enum OnFailure {
  /** Stop: no further step runs and the job finishes as failed (the default). */
  ABORT("abort"),
  /** Record the failure and run the next step; the job still finishes as failed. */
  CONTINUE("continue");

  private final String wire;

  OnFailure(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @Override
  public String toString() {
    return wire;
  }
}
