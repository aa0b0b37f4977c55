/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.release;

import java.nio.file.Path;

/**
 * One file of an archive: its name inside the archive, where its bytes come from, and whether it is
 * executable. Modes and owners are not taken from the disk: the archive policy sets them.
 *
 * @param name path inside the archive, with '/' separators
 * @param source the file to copy
 * @param executable 0755 when true, 0644 otherwise
 */
public record TarEntry(String name, Path source, boolean executable) {
  public TarEntry {
    if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.endsWith("/")) {
      throw new IllegalArgumentException("bad archive path: " + name);
    }
  }
}
