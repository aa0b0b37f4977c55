/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The packages one image layer needs, per architecture: {@code
 * tools-images/debian/<image>.closure}, lines {@code arch<TAB>package} sorted. The base closure is
 * the dependency closure of the base packages; a tool's closure is the closure of base + tool
 * packages minus the base closure, so a tool layer never repeats a base package.
 */
public record Closure(Map<String, Set<String>> byArch) {

  public Closure {
    Map<String, Set<String>> copy = new TreeMap<>();
    byArch.forEach((a, s) -> copy.put(a, Set.copyOf(new TreeSet<>(s))));
    byArch = Map.copyOf(copy);
  }

  /** The sorted package names for {@code arch} (empty if none). */
  public Set<String> packages(String arch) {
    return new TreeSet<>(byArch.getOrDefault(arch, Set.of()));
  }

  /** Parses a closure file's text. */
  public static Closure parse(String text, String where) {
    Map<String, Set<String>> out = new TreeMap<>();
    String[] lines = text.split("\\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank() || lines[i].startsWith("#")) {
        continue;
      }
      String[] f = lines[i].split("\t");
      if (f.length != 2 || !Lock.ARCHES.contains(f[0])) {
        throw new IllegalArgumentException(
            where + ":" + (i + 1) + ": expected arch<TAB>package, got: " + lines[i]);
      }
      out.computeIfAbsent(f[0], a -> new TreeSet<>()).add(f[1]);
    }
    return new Closure(out);
  }

  /** Reads a closure file. */
  public static Closure read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** The file text: lines sorted by (arch, package). */
  public String format() {
    StringBuilder sb = new StringBuilder();
    for (String arch : new TreeSet<>(byArch.keySet())) {
      for (String p : packages(arch)) {
        sb.append(arch).append('\t').append(p).append('\n');
      }
    }
    return sb.toString();
  }

  /** Writes the file atomically. */
  public void write(Path file) throws IOException {
    Lock.writeAtomically(file, format());
  }
}
