/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

import java.util.regex.Pattern;

/**
 * A glob for repository names and tags: {@code **} matches anything, {@code *} anything but {@code
 * /}, {@code ?} one character other than {@code /}.
 *
 * @param pattern the glob as written in configuration
 */
public record Glob(String pattern) {

  /** True when {@code s} matches the glob as a whole. */
  public boolean matches(String s) {
    return regex().matcher(s).matches();
  }

  private Pattern regex() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        b.append(".*");
        i++;
      } else if (c == '*') {
        b.append("[^/]*");
      } else if (c == '?') {
        b.append("[^/]");
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(b.toString());
  }

  /** True when any of {@code globs} matches {@code s}. */
  public static boolean any(Iterable<Glob> globs, String s) {
    for (Glob g : globs) {
      if (g.matches(s)) {
        return true;
      }
    }
    return false;
  }
}
