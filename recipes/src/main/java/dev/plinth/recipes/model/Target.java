/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** Where an image is written: the whole target disk, or one partition by its GPT label. */
public sealed interface Target {
  /** The whole target disk. */
  record Disk() implements Target {}

  /** A partition of the target disk, by the label a {@link PartitionStep} gave it. */
  record Partition(String label) implements Target {}
}
