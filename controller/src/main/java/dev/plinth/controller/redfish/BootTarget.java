/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

/** The one-time boot devices Plinth uses, with their Redfish BootSourceOverrideTarget. */
public enum BootTarget {
  CD("Cd"),
  HDD("Hdd"),
  PXE("Pxe");

  private final String redfish;

  BootTarget(String redfish) {
    this.redfish = redfish;
  }

  /** The standard Redfish value. */
  public String redfish() {
    return redfish;
  }
}
