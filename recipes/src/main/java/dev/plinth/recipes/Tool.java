/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.WireNames;

/**
 * The tool images the shorthands expand to, one per folder of {@code tools-images/}. Their argument
 * contracts are documented in {@code docs/recipes.md}.
 */
public enum Tool {
  /** Disk tools (gdisk, util-linux, nvme-cli, hdparm): {@code partition} and {@code wipe}. */
  SGDISK,
  /** Writes rootfs tarballs and raw images from the registry. */
  LINUX_IMAGER,
  /** Applies a Windows WIM (wimlib). */
  WIMAPPLY,
  /** GRUB or systemd-boot on the ESP, and the UEFI boot entry. */
  LINUX_BOOTLOADER,
  /** The Windows Boot Manager and BCD store on the ESP. */
  WINDOWS_BOOTLOADER,
  /** cloud-init NoCloud drives and Ignition configs. */
  CONFIG_DRIVE,
  /** Vendor firmware update tooling. */
  VENDOR_FIRMWARE;

  /** The repository in the controller's registry: {@code plinth/tools/<name>}. */
  public String repository() {
    return "plinth/tools/" + WireNames.of(this);
  }
}
