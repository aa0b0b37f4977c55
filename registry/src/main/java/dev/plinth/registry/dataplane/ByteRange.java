/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import java.util.ArrayList;
import java.util.List;

/**
 * An inclusive byte range of a representation, and the parser of {@code Range: bytes=...} (RFC 9110
 * §14).
 *
 * @param first first byte offset
 * @param last last byte offset, inclusive
 */
public record ByteRange(long first, long last) {

  /** Most ranges served in one multipart response; more is treated as abuse and ignored. */
  public static final int MAX_RANGES = 64;

  public long length() {
    return last - first + 1;
  }

  /** The outcome of parsing a Range header against a representation of a given size. */
  public sealed interface Parsed {}

  /** No (usable) Range header: send the whole representation. */
  public record Whole() implements Parsed {}

  /** No range overlaps the representation: 416. */
  public record Unsatisfiable() implements Parsed {}

  /**
   * The satisfiable ranges, in request order.
   *
   * @param ranges at least one
   */
  public record Ranges(List<ByteRange> ranges) implements Parsed {}

  /** Parses {@code header} (may be null) for a representation of {@code size} bytes. */
  public static Parsed parse(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    String h = header.strip();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return new Whole();
    }
    String[] specs = h.substring(6).split(",");
    if (specs.length > MAX_RANGES) {
      return new Whole();
    }
    List<ByteRange> out = new ArrayList<>();
    for (String raw : specs) {
      String spec = raw.strip();
      int dash = spec.indexOf('-');
      if (dash < 0) {
        return new Whole();
      }
      try {
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        if (a.isEmpty()) {
          long suffix = Long.parseLong(b);
          if (suffix < 0) {
            return new Whole();
          }
          if (suffix > 0 && size > 0) {
            out.add(new ByteRange(Math.max(0, size - suffix), size - 1));
          }
          continue;
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
        if (first < 0 || last < first) {
          return new Whole();
        }
        if (first < size) {
          out.add(new ByteRange(first, Math.min(last, size - 1)));
        }
      } catch (NumberFormatException e) {
        return new Whole();
      }
    }
    return out.isEmpty() ? new Unsatisfiable() : new Ranges(out);
  }
}
