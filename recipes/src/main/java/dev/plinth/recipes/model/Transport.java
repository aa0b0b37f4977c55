/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** How a disk is attached. */
public enum Transport {
  NVME,
  SATA,
  SAS,
  SCSI,
  VIRTIO
}
