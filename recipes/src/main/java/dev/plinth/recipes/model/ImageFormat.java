/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** The layout of an OS image artifact. */
public enum ImageFormat {
  /** A root filesystem tarball, unpacked onto a formatted partition. */
  TAR,
  /** A raw disk or partition image, written block by block. */
  RAW
}
