/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** How a {@link WipeStep} erases data. */
public enum WipeMethod {
  /** Discard every block (fast on SSDs; not a guarantee). */
  DISCARD,
  /** Overwrite every block with zeros. */
  ZERO,
  /** The drive's own secure erase (NVMe format with secure erase, ATA security erase). */
  SECURE_ERASE
}
