/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.disks;

import dev.plinth.contract.DiskRules;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Picks the target disk: every set rule must match; then the smallest (or largest) wins. */
public final class DiskSelector {
  private DiskSelector() {}

  /** The chosen disk, or empty when no non-removable disk matches. */
  public static Optional<BlockDisk> select(DiskRules rules, List<BlockDisk> disks) {
    DiskRules r = rules == null ? DiskRules.defaults() : rules;
    Comparator<BlockDisk> bySize =
        Comparator.comparingLong(BlockDisk::sizeBytes).thenComparing(BlockDisk::name);
    return disks.stream()
        .filter(d -> matches(r, d))
        .min(DiskRules.LARGEST.equals(r.prefer()) ? bySize.reversed() : bySize);
  }

  /** Every disk that can be a target at all: non-removable, non-empty. */
  public static List<BlockDisk> candidates(List<BlockDisk> disks) {
    return disks.stream().filter(d -> !d.removable() && d.sizeBytes() > 0).toList();
  }

  static boolean matches(DiskRules r, BlockDisk d) {
    return !d.removable()
        && d.sizeBytes() > 0
        && (r.byPath() == null || d.byPath().contains(r.byPath()))
        && (r.serial() == null || r.serial().strip().equalsIgnoreCase(d.serial()))
        && (r.wwn() == null || r.wwn().strip().equalsIgnoreCase(d.wwn()))
        && (r.model() == null || r.model().strip().equals(d.model()))
        && (r.rotational() == null || r.rotational() == d.rotational())
        && (r.transport() == null || r.transport().equals(d.transport()))
        && (r.minSizeBytes() == null || d.sizeBytes() >= r.minSizeBytes())
        && (r.maxSizeBytes() == null || d.sizeBytes() <= r.maxSizeBytes());
  }
}
