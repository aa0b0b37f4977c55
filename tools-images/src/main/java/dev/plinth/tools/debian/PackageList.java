/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code packages} file: one Debian package name a line, {@code #} comments, and an optional
 * {@code [amd64]} or {@code [arm64]} suffix that limits a package to one architecture.
 */
public record PackageList(List<Item> items) {
  private static final Pattern LINE =
      Pattern.compile("([a-z0-9][a-z0-9+.-]+)(?:\\s+\\[([a-z0-9]+)\\])?");

  /** One package, with the architecture it is limited to (null: all). */
  public record Item(String name, String arch) {}

  public PackageList {
    items = List.copyOf(items);
  }

  /** Reads {@code file}; a malformed line fails with its file and line number. */
  public static PackageList read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** Parses a packages file's text; {@code where} names it in errors. */
  public static PackageList parse(String text, String where) {
    List<Item> out = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            where
                + ":"
                + (i + 1)
                + ": not a package name (optionally followed by [arch]): "
                + line);
      }
      String arch = m.group(2);
      if (arch != null && !Lock.ARCHES.contains(arch)) {
        throw new IllegalArgumentException(
            where
                + ":"
                + (i + 1)
                + ": unknown architecture "
                + arch
                + " (known: "
                + Lock.ARCHES
                + ")");
      }
      out.add(new Item(m.group(1), arch));
    }
    return new PackageList(out);
  }

  /** The sorted package names that apply to {@code arch}. */
  public Set<String> names(String arch) {
    Set<String> out = new TreeSet<>();
    for (Item it : items) {
      if (it.arch() == null || it.arch().equals(arch)) {
        out.add(it.name());
      }
    }
    return out;
  }
}
