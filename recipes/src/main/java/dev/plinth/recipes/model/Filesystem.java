/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** A filesystem a {@link PartitionStep} creates in a partition. */
public enum Filesystem {
  VFAT,
  EXT4,
  XFS,
  BTRFS,
  SWAP,
  NTFS,
  NONE
}
