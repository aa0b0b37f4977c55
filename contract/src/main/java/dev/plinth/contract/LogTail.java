/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

/** Clips a tool's output to its last characters, on a line boundary where one is near. */
public final class LogTail {
  private LogTail() {}

  /** The last {@code max} characters of {@code s}, starting after a newline when possible. */
  public static String clip(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    String tail = s.substring(s.length() - max);
    int nl = tail.indexOf('\n');
    return nl >= 0 && nl < tail.length() - 1 ? tail.substring(nl + 1) : tail;
  }
}
