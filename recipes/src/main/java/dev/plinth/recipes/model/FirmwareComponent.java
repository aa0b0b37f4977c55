/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** The component a {@link FirmwareStep} updates. */
public enum FirmwareComponent {
  BIOS,
  BMC,
  NIC,
  RAID,
  DISK,
  CPLD,
  OTHER
}
