/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A size as written in a recipe ({@code 512MiB}, {@code 100GB}): the number and unit are kept so
 * the recipe writes back as it was read; {@link #bytes()} is the value.
 */
public record ByteSize(long value, String unit) implements Comparable<ByteSize> {
  private static final Pattern SYNTAX =
      Pattern.compile("([1-9][0-9]{0,5})(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)");
  private static final Map<String, Long> UNITS =
      Map.of(
          "B", 1L,
          "KB", 1000L,
          "MB", 1000L * 1000,
          "GB", 1000L * 1000 * 1000,
          "TB", 1000L * 1000 * 1000 * 1000,
          "KiB", 1024L,
          "MiB", 1024L * 1024,
          "GiB", 1024L * 1024 * 1024,
          "TiB", 1024L * 1024 * 1024 * 1024);

  public ByteSize {
    if (value <= 0 || !UNITS.containsKey(unit)) {
      throw new IllegalArgumentException("not a size: " + value + unit);
    }
  }

  /** Parses {@code 512MiB}; throws {@link IllegalArgumentException} otherwise. */
  public static ByteSize parse(String text) {
    var m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + text);
    }
    return new ByteSize(Long.parseLong(m.group(1)), m.group(2));
  }

  /** The size in bytes. */
  public long bytes() {
    return Math.multiplyExact(value, UNITS.get(unit));
  }

  /** A human form in binary units, for messages ({@code 1.5 GiB}). */
  public static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  @Override
  public int compareTo(ByteSize o) {
    return Long.compare(bytes(), o.bytes());
  }

  @Override
  public String toString() {
    return value + unit;
  }
}
