/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** The compression of an OS image artifact. */
public enum Compression {
  NONE,
  GZIP,
  ZSTD,
  XZ
}
