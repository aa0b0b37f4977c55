/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import java.util.HexFormat;

/**
 * One pinned package of one architecture.
 *
 * @param filename the mirror path, e.g. {@code pool/main/g/gdisk/gdisk_1.0.10-2_amd64.deb}
 */
public record LockEntry(
    String name, String version, String arch, String sha256, long size, String filename) {

  public LockEntry {
    if (!Lock.ARCHES.contains(arch)) {
      throw new IllegalArgumentException("unknown architecture " + arch + " for " + name);
    }
    if (sha256.length() != 64) {
      throw new IllegalArgumentException("sha256 of " + name + " is not 64 hex digits: " + sha256);
    }
    HexFormat.of().parseHex(sha256);
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + name);
    }
    if (!filename.startsWith("pool/") || filename.contains("..") || !filename.endsWith(".deb")) {
      throw new IllegalArgumentException("not a pool path for " + name + ": " + filename);
    }
  }

  /** {@code name version (arch)} for messages. */
  public String label() {
    return name + " " + version + " (" + arch + ")";
  }
}
