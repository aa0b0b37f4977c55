/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** The boot loader a {@link BootloaderStep} installs. */
public enum BootloaderType {
  /** GRUB on the ESP (UEFI), for Linux. */
  GRUB,
  /** systemd-boot on the ESP, for Linux. */
  SYSTEMD_BOOT,
  /** The Windows Boot Manager with a BCD store, for Windows. */
  BCD
}
