/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An advisory's severity, from a label or a CVSS score. */
public enum Severity {
  UNKNOWN,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** True for the severities the gate blocks on. */
  public boolean blocks() {
    return this == HIGH || this == CRITICAL;
  }

  /** From a label: LOW, MODERATE/MEDIUM, HIGH/IMPORTANT, CRITICAL (any case). */
  public static Optional<Severity> ofLabel(String label) {
    return switch (label.strip().toUpperCase(Locale.ROOT)) {
      case "LOW", "NEGLIGIBLE", "UNIMPORTANT" -> Optional.of(LOW);
      case "MODERATE", "MEDIUM" -> Optional.of(MEDIUM);
      case "HIGH", "IMPORTANT" -> Optional.of(HIGH);
      case "CRITICAL" -> Optional.of(CRITICAL);
      default -> Optional.empty();
    };
  }

  /** From a CVSS base score (the CVSS v3/v4 qualitative rating scale). */
  public static Severity ofScore(double score) {
    if (score >= 9.0) {
      return CRITICAL;
    }
    if (score >= 7.0) {
      return HIGH;
    }
    if (score >= 4.0) {
      return MEDIUM;
    }
    return score > 0 ? LOW : UNKNOWN;
  }

  /**
   * The base score of a CVSS v3.0/v3.1 vector ({@code CVSS:3.1/AV:N/AC:L/...}), computed with the
   * specification's formulas; empty when the vector is not a complete v3 base vector.
   */
  public static Optional<Double> cvss3BaseScore(String vector) {
    if (!vector.startsWith("CVSS:3.")) {
      return Optional.empty();
    }
    Map<String, String> m = new HashMap<>();
    for (String part : vector.split("/")) {
      int colon = part.indexOf(':');
      if (colon > 0) {
        m.put(part.substring(0, colon), part.substring(colon + 1));
      }
    }
    try {
      boolean changed = m.get("S").equals("C");
      double av = pick(m.get("AV"), "N", 0.85, "A", 0.62, "L", 0.55, "P", 0.2);
      double ac = pick(m.get("AC"), "L", 0.77, "H", 0.44);
      double pr =
          changed
              ? pick(m.get("PR"), "N", 0.85, "L", 0.68, "H", 0.5)
              : pick(m.get("PR"), "N", 0.85, "L", 0.62, "H", 0.27);
      double ui = pick(m.get("UI"), "N", 0.85, "R", 0.62);
      double c = pick(m.get("C"), "H", 0.56, "L", 0.22, "N", 0);
      double i = pick(m.get("I"), "H", 0.56, "L", 0.22, "N", 0);
      double a = pick(m.get("A"), "H", 0.56, "L", 0.22, "N", 0);
      double iss = 1 - (1 - c) * (1 - i) * (1 - a);
      double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
      double exploitability = 8.22 * av * ac * pr * ui;
      if (impact <= 0) {
        return Optional.of(0.0);
      }
      double base =
          changed
              ? Math.min(1.08 * (impact + exploitability), 10)
              : Math.min(impact + exploitability, 10);
      return Optional.of(roundUp(base));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static double pick(String value, Object... pairs) {
    for (int k = 0; k < pairs.length; k += 2) {
      if (pairs[k].equals(value)) {
        return ((Number) pairs[k + 1]).doubleValue();
      }
    }
    throw new IllegalArgumentException("bad CVSS metric value " + value);
  }

  /** CVSS 3.1 Roundup: the smallest number with one decimal that is >= x. */
  static double roundUp(double x) {
    long i = Math.round(x * 100000);
    return i % 10000 == 0 ? i / 100000.0 : (Math.floor(i / 10000.0) + 1) / 10.0;
  }
}
