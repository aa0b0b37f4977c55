/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** How the target disk is chosen, and what happens to its old contents. */
public record DiskSelection(DiskMatch match, Prefer prefer, WipePolicy wipe) {
  public DiskSelection {
    match = match == null ? DiskMatch.any() : match;
    prefer = prefer == null ? Prefer.SMALLEST : prefer;
    wipe = wipe == null ? WipePolicy.NONE : wipe;
  }

  /** The defaults: the smallest non-removable disk, nothing wiped up front. */
  public static DiskSelection defaults() {
    return new DiskSelection(DiskMatch.any(), Prefer.SMALLEST, WipePolicy.NONE);
  }
}
