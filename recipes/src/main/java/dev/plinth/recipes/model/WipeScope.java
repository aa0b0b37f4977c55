/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** Which disks a {@link WipeStep} erases. */
public enum WipeScope {
  /** The disk chosen by the recipe's disk rules. */
  TARGET,
  /** Every non-removable disk. */
  ALL
}
