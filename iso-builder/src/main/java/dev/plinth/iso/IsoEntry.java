/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.time.Instant;
import java.util.List;

/**
 * One file, directory or symbolic link of an image, as {@link IsoReader} sees it.
 *
 * @param path slash-separated path from the root, e.g. {@code boot/grub/grub.cfg}
 * @param type what it is
 * @param size data length in bytes (0 for directories and links)
 * @param mode permission bits (Rock Ridge; {@code 0555}/{@code 0444} without it)
 * @param uid owner (Rock Ridge; 0 without it)
 * @param gid group (Rock Ridge; 0 without it)
 * @param modified modification time
 * @param linkTarget target of a symbolic link, else null
 * @param extents where the data is (one per extent of a multi-extent file)
 */
public record IsoEntry(
    String path,
    Type type,
    long size,
    int mode,
    int uid,
    int gid,
    Instant modified,
    String linkTarget,
    List<Extent> extents) {

  /** The kinds of entries. */
  public enum Type {
    DIRECTORY,
    FILE,
    SYMLINK
  }

  /** A contiguous run of data: first block (2048 bytes each) and length in bytes. */
  public record Extent(long block, long length) {}

  public IsoEntry {
    extents = List.copyOf(extents);
  }

  /** The last path component. */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
