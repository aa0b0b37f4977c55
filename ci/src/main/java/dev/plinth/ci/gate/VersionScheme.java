/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** How an ecosystem orders its versions. */
public enum VersionScheme {
  /** Maven's ComparableVersion ordering ({@link MavenVersion}). */
  MAVEN(MavenVersion.ORDER),
  /** dpkg's ordering ({@link DebianVersion}). */
  DEBIAN(DebianVersion.ORDER),
  /** Semantic Versioning 2.0.0 precedence (OSV {@code SEMVER} ranges). */
  SEMVER(VersionScheme::compareSemver);

  private final Comparator<String> order;

  VersionScheme(Comparator<String> order) {
    this.order = order;
  }

  /** Compares two versions of this scheme. */
  public int compare(String a, String b) {
    return Integer.signum(order.compare(a, b));
  }

  /** The scheme of an OSV ecosystem ({@code Maven}, {@code Debian}, {@code Debian:13}, ...). */
  public static Optional<VersionScheme> ofEcosystem(String ecosystem) {
    String e = ecosystem.toLowerCase(Locale.ROOT);
    if (e.equals("maven")) {
      return Optional.of(MAVEN);
    }
    if (e.equals("debian") || e.startsWith("debian:")) {
      return Optional.of(DEBIAN);
    }
    return Optional.empty();
  }

  static int compareSemver(String a, String b) {
    String[] x = splitSemver(a);
    String[] y = splitSemver(b);
    String[] xc = x[0].split("\\.");
    String[] yc = y[0].split("\\.");
    for (int i = 0; i < Math.max(xc.length, yc.length); i++) {
      long p = i < xc.length ? parseLong(xc[i]) : 0;
      long q = i < yc.length ? parseLong(yc[i]) : 0;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    if (x[1].isEmpty() || y[1].isEmpty()) {
      return Boolean.compare(x[1].isEmpty(), y[1].isEmpty());
    }
    String[] xp = x[1].split("\\.");
    String[] yp = y[1].split("\\.");
    for (int i = 0; i < Math.min(xp.length, yp.length); i++) {
      boolean xn = xp[i].chars().allMatch(Character::isDigit);
      boolean yn = yp[i].chars().allMatch(Character::isDigit);
      int c;
      if (xn && yn) {
        c = Long.compare(parseLong(xp[i]), parseLong(yp[i]));
      } else if (xn != yn) {
        c = xn ? -1 : 1;
      } else {
        c = xp[i].compareTo(yp[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(xp.length, yp.length);
  }

  private static String[] splitSemver(String v) {
    String s = v.strip();
    if (s.startsWith("v")) {
      s = s.substring(1);
    }
    int plus = s.indexOf('+');
    if (plus >= 0) {
      s = s.substring(0, plus);
    }
    int dash = s.indexOf('-');
    return dash < 0
        ? new String[] {s, ""}
        : new String[] {s.substring(0, dash), s.substring(dash + 1)};
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
