/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys a rendered unit may use, read from {@code quadlet-keys.txt} next to this class (its
 * header cites the sources: podman 4.4's podman-systemd.unit(5) for {@code [Container]}, systemd's
 * man pages for {@code [Unit]} and {@code [Service]}).
 */
public final class QuadletKeys {

  private static final Set<String> ALLOWED = load();

  private QuadletKeys() {}

  /** Every allowed {@code Section.Key}. */
  public static Set<String> allowed() {
    return ALLOWED;
  }

  /** Whether {@code key} may appear in {@code [section]}. */
  public static boolean allowed(String section, String key) {
    return ALLOWED.contains(section + "." + key);
  }

  /**
   * Parses a unit file's text into {@code Section.Key} entries, one per key line, in order.
   * Comments and blank lines are skipped; continuation lines are not used by the renderer and are
   * reported as problems.
   */
  public static List<String> keysOf(String unit) {
    List<String> keys = new ArrayList<>();
    String section = "";
    for (String line : unit.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1);
        continue;
      }
      int eq = line.indexOf('=');
      keys.add(
          eq < 0 ? section + ".<malformed: " + line + ">" : section + "." + line.substring(0, eq));
    }
    return keys;
  }

  /** The entries of {@link #keysOf(String)} that are not allowed. */
  public static List<String> unknownKeys(String unit) {
    return keysOf(unit).stream().filter(k -> !ALLOWED.contains(k)).toList();
  }

  private static Set<String> load() {
    try (InputStream in = QuadletKeys.class.getResourceAsStream("quadlet-keys.txt")) {
      if (in == null) {
        throw new IllegalStateException("quadlet-keys.txt is missing from the class path");
      }
      Set<String> keys = new LinkedHashSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          keys.add(l);
        }
      }
      return Set.copyOf(keys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
