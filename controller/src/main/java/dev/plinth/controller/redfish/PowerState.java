/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

/** A system's PowerState; transitional and missing values map to {@link #UNKNOWN}. */
public enum PowerState {
  ON,
  OFF,
  POWERING_ON,
  POWERING_OFF,
  UNKNOWN;

  /** Parses the Redfish value (null and unknown values give {@link #UNKNOWN}). */
  public static PowerState parse(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    return switch (value) {
      case "On" -> ON;
      case "Off" -> OFF;
      case "PoweringOn" -> POWERING_ON;
      case "PoweringOff" -> POWERING_OFF;
      default -> UNKNOWN;
    };
  }
}
