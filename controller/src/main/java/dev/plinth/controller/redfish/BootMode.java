/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

/** Firmware boot mode of a boot override. */
public enum BootMode {
  UEFI("UEFI"),
  LEGACY("Legacy");

  private final String redfish;

  BootMode(String redfish) {
    this.redfish = redfish;
  }

  /** The Redfish BootSourceOverrideMode value. */
  public String redfish() {
    return redfish;
  }
}
