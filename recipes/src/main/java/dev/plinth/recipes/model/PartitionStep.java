/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.List;

/** Writes a fresh GPT on the target disk with these partitions, in order, and makes filesystems. */
public record PartitionStep(String name, StepPolicy policy, List<Partition> partitions)
    implements Step {
  public PartitionStep {
    partitions = List.copyOf(partitions);
  }
}
