/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

/**
 * What Plinth asks of a system's power. Each maps to the first ResetType the BMC allows among its
 * candidates.
 */
public enum PowerAction {
  ON("On", "ForceOn", "PushPowerButton"),
  FORCE_OFF("ForceOff", "GracefulShutdown", "PushPowerButton"),
  GRACEFUL_SHUTDOWN("GracefulShutdown", "PushPowerButton"),
  FORCE_RESTART("ForceRestart", "PowerCycle", "GracefulRestart"),
  GRACEFUL_RESTART("GracefulRestart", "ForceRestart", "PowerCycle"),
  POWER_CYCLE("PowerCycle", "ForceRestart");

  private final String[] resetTypes;

  PowerAction(String... resetTypes) {
    this.resetTypes = resetTypes;
  }

  /** The Redfish ResetType values to try, best first. */
  public java.util.List<String> resetTypes() {
    return java.util.List.of(resetTypes);
  }

  /** Whether sending it twice is harmless (used to decide whether a dropped request is retried). */
  public boolean idempotent() {
    return this == ON || this == FORCE_OFF || this == GRACEFUL_SHUTDOWN;
  }
}
