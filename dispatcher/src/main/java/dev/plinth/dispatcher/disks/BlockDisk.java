/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.disks;

/**
 * One whole disk as the kernel shows it.
 *
 * @param name kernel name, e.g. {@code sda}, {@code nvme0n1}
 * @param sizeBytes capacity
 * @param rotational spinning disk
 * @param removable removable medium (USB sticks, virtual media): never a target
 * @param transport {@code nvme}, {@code virtio}, {@code sata}, {@code sas}, {@code scsi}, {@code
 *     usb} or {@code mmc}
 * @param model model string, or empty
 * @param serial serial number, or empty
 * @param wwn World Wide Name, or empty
 * @param byPath names under {@code /dev/disk/by-path/} that point at it
 */
public record BlockDisk(
    String name,
    long sizeBytes,
    boolean rotational,
    boolean removable,
    String transport,
    String model,
    String serial,
    String wwn,
    java.util.List<String> byPath) {

  public BlockDisk {
    byPath = java.util.List.copyOf(byPath);
  }

  /** {@code /dev/NAME}. */
  public String devicePath() {
    return "/dev/" + name;
  }
}
