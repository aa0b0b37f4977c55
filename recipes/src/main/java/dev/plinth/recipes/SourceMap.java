/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a parsed document came from: for every JSON pointer, the line and column of
 * its key (for members) and of its value. Pointers inside an expanded YAML alias are not recorded;
 * {@link #locate} then answers with the nearest recorded ancestor.
 */
public final class SourceMap {
  private final String file;
  private final Map<String, int[]> positions = new HashMap<>();

  SourceMap(String file) {
    this.file = file;
  }

  /** A map with no positions, for recipes that were built in code. */
  public static SourceMap empty(String file) {
    return new SourceMap(file);
  }

  /** The file name used in errors. */
  public String file() {
    return file;
  }

  void put(String pointer, int keyLine, int keyColumn, int valueLine, int valueColumn) {
    positions.put(pointer, new int[] {keyLine, keyColumn, valueLine, valueColumn});
  }

  /**
   * An error at {@code pointer}. With {@code atKey}, it points at the member's key (unknown or
   * duplicate properties); otherwise at its value.
   */
  public RecipeError error(String pointer, boolean atKey, String message, String expected) {
    String p = pointer;
    while (true) {
      int[] pos = positions.get(p);
      if (pos != null) {
        boolean key = atKey && p.equals(pointer) && pos[0] > 0;
        return new RecipeError(
            file, key ? pos[0] : pos[2], key ? pos[1] : pos[3], pointer, message, expected);
      }
      if (p.isEmpty()) {
        return new RecipeError(file, 0, 0, pointer, message, expected);
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** An error at the value of {@code pointer}. */
  public RecipeError error(String pointer, String message, String expected) {
    return error(pointer, false, message, expected);
  }

  /** Escapes one reference token of a JSON pointer (RFC 6901). */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
