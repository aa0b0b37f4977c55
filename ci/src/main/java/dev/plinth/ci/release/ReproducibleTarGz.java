/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.release;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes a .tar.gz whose bytes depend only on the entries' names and contents and on one timestamp:
 * entries sorted by name (byte order), directories made explicit, owner root:root (0:0), modes
 * 0755/0644, mtime = SOURCE_DATE_EPOCH, a gzip header with no time and OS "Unix".
 */
public final class ReproducibleTarGz {
  private ReproducibleTarGz() {}

  /** Writes the archive atomically: a temp file beside {@code out}, then a rename. */
  public static void write(List<TarEntry> entries, long sourceDateEpoch, Path out)
      throws IOException {
    Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".tar-", ".tmp");
    try {
      try (OutputStream os = Files.newOutputStream(tmp)) {
        write(entries, sourceDateEpoch, os);
      }
      // A temp file is 0600; a release is read by others (the web server, the operator's user).
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void write(List<TarEntry> entries, long sourceDateEpoch, OutputStream os)
      throws IOException {
    GzipParameters gz = new GzipParameters();
    gz.setModificationTime(0);
    gz.setOperatingSystem(3);
    gz.setCompressionLevel(9);
    List<TarEntry> files =
        entries.stream()
            .sorted(Comparator.comparing(TarEntry::name, ReproducibleTarGz::byBytes))
            .toList();
    try (var gzos = new GzipCompressorOutputStream(os, gz);
        var tar = new TarArchiveOutputStream(gzos, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      TreeSet<String> written = new TreeSet<>();
      for (TarEntry f : files) {
        for (String dir : parents(f.name())) {
          if (written.add(dir)) {
            TarArchiveEntry d = new TarArchiveEntry(dir + "/", true);
            stamp(d, 040755, sourceDateEpoch);
            tar.putArchiveEntry(d);
            tar.closeArchiveEntry();
          }
        }
        TarArchiveEntry e = new TarArchiveEntry(f.name(), true);
        stamp(e, f.executable() ? 0100755 : 0100644, sourceDateEpoch);
        e.setSize(Files.size(f.source()));
        tar.putArchiveEntry(e);
        Files.copy(f.source(), tar);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  private static void stamp(TarArchiveEntry e, int mode, long epoch) {
    e.setMode(mode);
    e.setIds(0, 0);
    e.setNames("root", "root");
    e.setModTime(epoch * 1000);
  }

  private static List<String> parents(String name) {
    var out = new java.util.ArrayList<String>();
    int i = name.indexOf('/');
    while (i > 0) {
      out.add(name.substring(0, i));
      i = name.indexOf('/', i + 1);
    }
    return out;
  }

  // Byte order of UTF-8, not the locale's collation: the same on every machine.
  private static int byBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
