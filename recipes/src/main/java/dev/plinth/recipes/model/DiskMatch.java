/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Optional;

/**
 * Rules a disk must all satisfy to be the target. Removable disks never match. An empty set of
 * rules matches every non-removable disk.
 */
public record DiskMatch(
    Optional<String> byPath,
    Optional<String> serial,
    Optional<String> wwn,
    Optional<String> model,
    Optional<Boolean> rotational,
    Optional<Transport> transport,
    Optional<ByteSize> minSize,
    Optional<ByteSize> maxSize) {

  /** No rules: any non-removable disk. */
  public static DiskMatch any() {
    return new DiskMatch(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }
}
