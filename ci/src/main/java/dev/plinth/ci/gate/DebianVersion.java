/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import java.util.Comparator;

/**
 * A Debian package version ({@code [epoch:]upstream[-revision]}) ordered exactly as dpkg orders
 * them ({@code dpkg --compare-versions}, lib/dpkg/version.c): the epoch numerically, then upstream
 * and revision with {@code verrevcmp}, where {@code ~} sorts before everything (even the end of the
 * string), letters before other characters, and digit runs compare numerically.
 *
 * @param epoch the epoch (0 when absent)
 * @param upstream the upstream version
 * @param revision the Debian revision ("" when absent, which dpkg orders like "0")
 */
public record DebianVersion(long epoch, String upstream, String revision)
    implements Comparable<DebianVersion> {

  /** Orders version strings as dpkg does. */
  public static final Comparator<String> ORDER = (a, b) -> parse(a).compareTo(parse(b));

  /** Parses a version; refuses what dpkg refuses (empty, non-numeric epoch, no leading digit). */
  public static DebianVersion parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty Debian version");
    }
    long epoch = 0;
    int colon = s.indexOf(':');
    if (colon >= 0) {
      String e = s.substring(0, colon);
      if (e.isEmpty() || !e.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("bad epoch in Debian version: " + text);
      }
      epoch = Long.parseLong(e);
      s = s.substring(colon + 1);
    }
    String upstream = s;
    String revision = "";
    int dash = s.lastIndexOf('-');
    if (dash >= 0) {
      upstream = s.substring(0, dash);
      revision = s.substring(dash + 1);
      if (revision.isEmpty()) {
        throw new IllegalArgumentException("empty revision in Debian version: " + text);
      }
    }
    if (upstream.isEmpty() || !Character.isDigit(upstream.charAt(0))) {
      throw new IllegalArgumentException("Debian version does not start with a digit: " + text);
    }
    return new DebianVersion(epoch, upstream, revision);
  }

  @Override
  public int compareTo(DebianVersion o) {
    int c = Long.compare(epoch, o.epoch);
    if (c != 0) {
      return c;
    }
    c = verrevcmp(upstream, o.upstream);
    return c != 0 ? c : verrevcmp(revision, o.revision);
  }

  private static int order(String s, int i) {
    if (i >= s.length()) {
      return 0;
    }
    char c = s.charAt(i);
    if (isDigit(c)) {
      return 0;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean digitAt(String s, int i) {
    return i < s.length() && isDigit(s.charAt(i));
  }

  /** dpkg's verrevcmp, transcribed. */
  static int verrevcmp(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      int firstDiff = 0;
      while ((i < a.length() && !digitAt(a, i)) || (j < b.length() && !digitAt(b, j))) {
        int ac = order(a, i);
        int bc = order(b, j);
        if (ac != bc) {
          return Integer.signum(ac - bc);
        }
        i++;
        j++;
      }
      while (i < a.length() && a.charAt(i) == '0') {
        i++;
      }
      while (j < b.length() && b.charAt(j) == '0') {
        j++;
      }
      while (digitAt(a, i) && digitAt(b, j)) {
        if (firstDiff == 0) {
          firstDiff = a.charAt(i) - b.charAt(j);
        }
        i++;
        j++;
      }
      if (digitAt(a, i)) {
        return 1;
      }
      if (digitAt(b, j)) {
        return -1;
      }
      if (firstDiff != 0) {
        return Integer.signum(firstDiff);
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return (epoch != 0 ? epoch + ":" : "") + upstream + (revision.isEmpty() ? "" : "-" + revision);
  }
}
