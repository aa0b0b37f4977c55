/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How the dispatcher chooses the {@code target-disk} among the machine's non-removable disks: every
 * rule that is set must match; of the disks left, the smallest (or largest) wins. Mirrors the
 * recipe's {@code disk.match} and {@code disk.prefer}.
 *
 * @param byPath the disk's {@code /dev/disk/by-path/} name, e.g. {@code pci-0000:00:17.0-ata-1}
 * @param serial the disk's serial number
 * @param wwn the disk's World Wide Name ({@code /sys/block/X/device/wwid} or {@code .../wwid})
 * @param model the disk's model string (exact, trimmed)
 * @param rotational true for spinning disks, false for SSD/NVMe
 * @param transport {@code nvme}, {@code sata}, {@code sas}, {@code scsi} or {@code virtio}
 * @param minSizeBytes smallest acceptable size
 * @param maxSizeBytes largest acceptable size
 * @param prefer {@code smallest} (default) or {@code largest}
 */
@JsonPropertyOrder({
  "byPath",
  "serial",
  "wwn",
  "model",
  "rotational",
  "transport",
  "minSizeBytes",
  "maxSizeBytes",
  "prefer"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DiskRules(
    String byPath,
    String serial,
    String wwn,
    String model,
    Boolean rotational,
    String transport,
    Long minSizeBytes,
    Long maxSizeBytes,
    String prefer) {

  public static final String SMALLEST = "smallest";
  public static final String LARGEST = "largest";

  /** No rules: the smallest non-removable disk. */
  public static DiskRules defaults() {
    return new DiskRules(null, null, null, null, null, null, null, null, SMALLEST);
  }
}
