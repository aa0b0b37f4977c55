/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** What happens to the target disk's old contents before the first step. */
public enum WipePolicy {
  /** Nothing: steps decide (a {@code partition} step always writes a fresh GPT). */
  NONE,
  /** Erase partition tables and filesystem signatures ({@code wipefs -a}). */
  SIGNATURES,
  /** Discard every block ({@code blkdiscard}). */
  DISCARD,
  /** Overwrite every block with zeros. */
  ZERO
}
