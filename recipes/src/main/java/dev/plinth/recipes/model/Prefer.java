/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** Which of several matching disks is chosen. */
public enum Prefer {
  SMALLEST,
  LARGEST
}
