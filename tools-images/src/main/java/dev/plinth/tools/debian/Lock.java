/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tools-images/debian/trixie.lock}: every package of every image, both architectures. A TSV
 * with a header line, sorted by (arch, package): {@code
 * package<TAB>version<TAB>arch<TAB>sha256<TAB>size<TAB>filename}.
 */
public final class Lock {
  /** The architectures the images are built for. */
  public static final Set<String> ARCHES = Set.of("amd64", "arm64");

  /** The command that refreshes the lock, for error messages. */
  public static final String REFRESH = "`tools-images/build.sh lock refresh`";

  static final String HEADER = "package\tversion\tarch\tsha256\tsize\tfilename";
  private static final Comparator<LockEntry> ORDER =
      Comparator.comparing(LockEntry::arch).thenComparing(LockEntry::name);

  private final Map<String, LockEntry> byKey = new LinkedHashMap<>();

  /** A lock holding {@code entries}; a package pinned twice for one arch is an error. */
  public Lock(Collection<LockEntry> entries) {
    for (LockEntry e : entries.stream().sorted(ORDER).toList()) {
      LockEntry prev = byKey.putIfAbsent(key(e.arch(), e.name()), e);
      if (prev != null && !prev.equals(e)) {
        throw new IllegalArgumentException(
            "package pinned twice: " + prev.label() + " and " + e.label());
      }
    }
  }

  private static String key(String arch, String name) {
    return arch + "/" + name;
  }

  /** The entries, sorted by (arch, package). */
  public List<LockEntry> entries() {
    return List.copyOf(byKey.values());
  }

  /** The pin of {@code name} for {@code arch}; fails naming the refresh command if absent. */
  public LockEntry get(String arch, String name) {
    LockEntry e = byKey.get(key(arch, name));
    if (e == null) {
      throw new IllegalStateException(
          "package "
              + name
              + " ("
              + arch
              + ") is not in the lock: run "
              + Lock.REFRESH
              + " and commit"
              + " tools-images/debian/");
    }
    return e;
  }

  /** Reads a lock file. */
  public static Lock read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses a lock's text; {@code where} names it in errors. */
  public static Lock parse(String text, String where) {
    String[] lines = text.split("\\n");
    if (lines.length == 0 || !lines[0].equals(HEADER)) {
      throw new IllegalArgumentException(where + ": first line must be the header: " + HEADER);
    }
    List<LockEntry> out = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] f = lines[i].split("\t", -1);
      if (f.length != 6) {
        throw new IllegalArgumentException(
            where + ":" + (i + 1) + ": expected 6 tab-separated fields, got " + f.length);
      }
      try {
        out.add(new LockEntry(f[0], f[1], f[2], f[3], Long.parseLong(f[4]), f[5]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new Lock(out);
  }

  /** The lock's text: header, then one line per entry, sorted. */
  public String format() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (LockEntry e : byKey.values()) {
      sb.append(e.name()).append('\t').append(e.version()).append('\t').append(e.arch());
      sb.append('\t').append(e.sha256()).append('\t').append(e.size());
      sb.append('\t').append(e.filename()).append('\n');
    }
    return sb.toString();
  }

  /** Writes the lock atomically. */
  public void write(Path file) throws IOException {
    writeAtomically(file, format());
  }

  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
