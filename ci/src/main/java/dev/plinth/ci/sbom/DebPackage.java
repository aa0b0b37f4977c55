/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a Debian lock file ({@code tools-images/debian/trixie.lock}, {@code
 * maintenance-os/debian/trixie-amd64.lock}: {@code package version arch sha256 size filename},
 * tab-separated, with a header line).
 *
 * @param name binary package name
 * @param version package version
 * @param lockArch the architecture the lock resolved it for
 * @param sha256 the .deb's SHA-256
 * @param size the .deb's size
 * @param filename pool path ({@code pool/main/<p>/<source>/<file>.deb})
 */
public record DebPackage(
    String name, String version, String lockArch, String sha256, long size, String filename) {

  /** Reads a lock file. */
  public static List<DebPackage> readLock(Path lock) {
    List<String> lines;
    try {
      lines = Files.readAllLines(lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read lock " + lock, e);
    }
    List<DebPackage> out = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#") || line.startsWith("package\t")) {
        continue;
      }
      String[] f = line.split("\t");
      if (f.length < 6) {
        throw new IllegalArgumentException(lock + ": not a lock line: " + line);
      }
      out.add(new DebPackage(f[0], f[1], f[2], f[3], Long.parseLong(f[4]), f[5]));
    }
    return out;
  }

  /** The package's own architecture: from the file name ({@code _all.deb}), else the lock's. */
  public String arch() {
    String base = filename.substring(filename.lastIndexOf('/') + 1);
    if (base.endsWith(".deb")) {
      String stem = base.substring(0, base.length() - 4);
      int u = stem.lastIndexOf('_');
      if (u >= 0) {
        return stem.substring(u + 1);
      }
    }
    return lockArch;
  }

  /** The source package: the pool directory ({@code pool/main/l/lvm2/dmsetup_...} is lvm2). */
  public String source() {
    String[] p = filename.split("/");
    return p.length >= 5 && p[0].equals("pool") ? p[3] : name;
  }
}
