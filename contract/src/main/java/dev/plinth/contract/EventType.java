/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of Webhook v1 events, with their wire names. */
public enum EventType {
  BOOTED("booted"),
  STEP_STARTED("step.started"),
  STEP_SUCCEEDED("step.succeeded"),
  STEP_FAILED("step.failed"),
  HEARTBEAT("heartbeat"),
  FINISHED("finished");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** True for the events that name a step. */
  public boolean aboutStep() {
    return this == STEP_STARTED
        || this == STEP_SUCCEEDED
        || this == STEP_FAILED
        || this == HEARTBEAT;
  }

  @Override
  public String toString() {
    return wire;
  }
}
