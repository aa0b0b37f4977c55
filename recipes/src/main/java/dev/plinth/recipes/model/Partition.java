/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Optional;

/**
 * One GPT partition: its label, its size (absent means the rest of the disk), its type (a name such
 * as {@code esp} or a GUID) and the filesystem made in it.
 */
public record Partition(String label, Optional<ByteSize> size, String type, Filesystem filesystem) {
  public Partition {
    size = size == null ? Optional.empty() : size;
    type = type == null ? "linux" : type;
    filesystem = filesystem == null ? Filesystem.NONE : filesystem;
  }

  /** Whether this partition takes the rest of the disk. */
  public boolean fillsRest() {
    return size.isEmpty();
  }
}
