/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;

/** Little helpers for the ISO 9660 field encodings (both-endian numbers, padded strings, dates). */
final class Bytes {

  /** The logical block (sector) size of every image we write. */
  static final int BLOCK = 2048;

  private Bytes() {}

  static void both16(ByteBuffer b, int off, int v) {
    b.order(ByteOrder.LITTLE_ENDIAN).putShort(off, (short) v);
    b.order(ByteOrder.BIG_ENDIAN).putShort(off + 2, (short) v);
  }

  static void both32(ByteBuffer b, int off, long v) {
    b.order(ByteOrder.LITTLE_ENDIAN).putInt(off, (int) v);
    b.order(ByteOrder.BIG_ENDIAN).putInt(off + 4, (int) v);
  }

  static void le32(ByteBuffer b, int off, long v) {
    b.order(ByteOrder.LITTLE_ENDIAN).putInt(off, (int) v);
  }

  static void be32(ByteBuffer b, int off, long v) {
    b.order(ByteOrder.BIG_ENDIAN).putInt(off, (int) v);
  }

  static void le16(ByteBuffer b, int off, int v) {
    b.order(ByteOrder.LITTLE_ENDIAN).putShort(off, (short) v);
  }

  static void le64(ByteBuffer b, int off, long v) {
    b.order(ByteOrder.LITTLE_ENDIAN).putLong(off, v);
  }

  static void put(ByteBuffer b, int off, byte[] bytes) {
    b.put(off, bytes);
  }

  /** ASCII text padded with spaces (a- and d-character fields). */
  static void text(ByteBuffer b, int off, int len, String s) {
    byte[] v = Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), Math.min(len, s.length()));
    for (int i = 0; i < len; i++) {
      b.put(off + i, i < v.length ? v[i] : (byte) ' ');
    }
  }

  /** UCS-2 text padded with UCS-2 spaces (Joliet volume descriptor fields). */
  static void ucs2Text(ByteBuffer b, int off, int len, String s) {
    byte[] v = Names.ucs2(s);
    for (int i = 0; i + 1 < len; i += 2) {
      b.put(off + i, i + 1 < v.length ? v[i] : 0);
      b.put(off + i + 1, i + 1 < v.length ? v[i + 1] : (byte) ' ');
    }
  }

  /** The 7-byte directory record date (ECMA-119 9.1.5), always UTC. */
  static byte[] shortDate(Instant t) {
    ZonedDateTime z = clamp(t).atZone(ZoneOffset.UTC);
    return new byte[] {
      (byte) (z.getYear() - 1900),
      (byte) z.getMonthValue(),
      (byte) z.getDayOfMonth(),
      (byte) z.getHour(),
      (byte) z.getMinute(),
      (byte) z.getSecond(),
      0
    };
  }

  /** The 17-byte volume descriptor date (ECMA-119 8.4.26.1), always UTC. */
  static byte[] longDate(Instant t) {
    ZonedDateTime z = clamp(t).atZone(ZoneOffset.UTC);
    String s =
        String.format(
            java.util.Locale.ROOT,
            "%04d%02d%02d%02d%02d%02d%02d",
            z.getYear(),
            z.getMonthValue(),
            z.getDayOfMonth(),
            z.getHour(),
            z.getMinute(),
            z.getSecond(),
            z.getNano() / 10_000_000);
    byte[] out = Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), 17);
    out[16] = 0;
    return out;
  }

  /** An unset volume descriptor date: sixteen ASCII zeros and a zero offset. */
  static byte[] noDate() {
    byte[] out = new byte[17];
    Arrays.fill(out, 0, 16, (byte) '0');
    return out;
  }

  private static Instant clamp(Instant t) {
    Instant min = Instant.parse("1970-01-01T00:00:00Z");
    Instant max = Instant.parse("2155-12-31T23:59:59Z");
    return t.isBefore(min) ? min : t.isAfter(max) ? max : t;
  }
}
