/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses an HTTP {@code Range: bytes=...} header (RFC 9110 §14.1.2) against a length. */
public final class ByteRanges {

  /** An inclusive byte range. */
  public record Range(long first, long last) {
    public long length() {
      return last - first + 1;
    }
  }

  /** The header asks for nothing this resource has: answer 416. */
  public static final class Unsatisfiable extends Exception {
    private static final long serialVersionUID = 1L;

    Unsatisfiable() {
      super("range not satisfiable");
    }
  }

  private static final int MAX_RANGES = 16;

  private ByteRanges() {}

  /**
   * The satisfiable ranges of {@code header}, or empty when the header is absent or malformed (a
   * malformed Range is ignored and the whole resource sent, as RFC 9110 says).
   */
  public static Optional<List<Range>> parse(String header, long length) throws Unsatisfiable {
    if (header == null || !header.startsWith("bytes=")) {
      return Optional.empty();
    }
    String[] specs = header.substring(6).split(",");
    if (specs.length > MAX_RANGES) {
      return Optional.empty();
    }
    List<Range> out = new ArrayList<>();
    for (String raw : specs) {
      String s = raw.strip();
      int dash = s.indexOf('-');
      if (dash < 0) {
        return Optional.empty();
      }
      try {
        if (dash == 0) {
          long n = Long.parseLong(s.substring(1));
          if (n <= 0) {
            continue;
          }
          out.add(new Range(Math.max(0, length - n), length - 1));
        } else {
          long first = Long.parseLong(s.substring(0, dash));
          String end = s.substring(dash + 1);
          long last = end.isEmpty() ? Long.MAX_VALUE : Long.parseLong(end);
          if (last < first) {
            return Optional.empty();
          }
          if (first >= length) {
            continue;
          }
          out.add(new Range(first, Math.min(last, length - 1)));
        }
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    if (out.isEmpty() || length == 0) {
      throw new Unsatisfiable();
    }
    return Optional.of(out);
  }
}
