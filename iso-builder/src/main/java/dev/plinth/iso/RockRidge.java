/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Encodes the SUSP (IEEE P1281) and Rock Ridge (RRIP 1.10, "RRIP_1991A") entries we write. */
final class RockRidge {

  static final String EXT_ID = "RRIP_1991A";
  static final String EXT_DESC =
      "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS";
  static final String EXT_SRC =
      "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN"
          + " PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.";

  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;
  static final int S_IFLNK = 0120000;

  /** Length of a CE entry, which the record planner reserves when it must continue. */
  static final int CE_LEN = 28;

  private RockRidge() {}

  private static ByteBuffer entry(String sig, int len) {
    ByteBuffer b = ByteBuffer.allocate(len);
    b.put(0, (byte) sig.charAt(0)).put(1, (byte) sig.charAt(1));
    b.put(2, (byte) len).put(3, (byte) 1);
    return b;
  }

  static byte[] sp() {
    ByteBuffer b = entry("SP", 7);
    b.put(4, (byte) 0xBE).put(5, (byte) 0xEF).put(6, (byte) 0);
    return b.array();
  }

  static byte[] er() {
    byte[] id = EXT_ID.getBytes(StandardCharsets.US_ASCII);
    byte[] desc = EXT_DESC.getBytes(StandardCharsets.US_ASCII);
    byte[] src = EXT_SRC.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = entry("ER", 8 + id.length + desc.length + src.length);
    b.put(4, (byte) id.length).put(5, (byte) desc.length).put(6, (byte) src.length);
    b.put(7, (byte) 1);
    b.put(8, id).put(8 + id.length, desc).put(8 + id.length + desc.length, src);
    return b.array();
  }

  static byte[] px(int mode, int nlink, int uid, int gid) {
    ByteBuffer b = entry("PX", 36);
    Bytes.both32(b, 4, mode);
    Bytes.both32(b, 12, nlink);
    Bytes.both32(b, 20, uid);
    Bytes.both32(b, 28, gid);
    return b.array();
  }

  /** TF with modify, access and attribute-change times, all {@code date}. */
  static byte[] tf(byte[] date) {
    ByteBuffer b = entry("TF", 5 + 3 * 7);
    b.put(4, (byte) 0x0E);
    for (int i = 0; i < 3; i++) {
      b.put(5 + 7 * i, date);
    }
    return b.array();
  }

  static byte[] ce(long block, long offset, long length) {
    ByteBuffer b = entry("CE", CE_LEN);
    Bytes.both32(b, 4, block);
    Bytes.both32(b, 12, offset);
    Bytes.both32(b, 20, length);
    return b.array();
  }

  /** One or more NM entries holding the name (split at 250 bytes with the CONTINUE flag). */
  static List<byte[]> nm(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    List<byte[]> out = new ArrayList<>();
    int off = 0;
    do {
      int len = Math.min(250, n.length - off);
      boolean more = off + len < n.length;
      ByteBuffer b = entry("NM", 5 + len);
      b.put(4, (byte) (more ? 1 : 0));
      b.put(5, n, off, len);
      out.add(b.array());
      off += len;
    } while (off < n.length);
    return out;
  }

  /** SL entries for a symbolic link target; components longer than an entry are continued. */
  static List<byte[]> sl(String target) {
    List<byte[]> comps = new ArrayList<>();
    String t = target;
    if (t.startsWith("/")) {
      comps.add(new byte[] {0x08, 0});
      t = t.replaceFirst("^/+", "");
    }
    if (!t.isEmpty()) {
      for (String c : t.split("/", -1)) {
        switch (c) {
          case "." -> comps.add(new byte[] {0x02, 0});
          case ".." -> comps.add(new byte[] {0x04, 0});
          default -> {
            byte[] cb = c.getBytes(StandardCharsets.UTF_8);
            int off = 0;
            do {
              int len = Math.min(240, cb.length - off);
              byte[] comp = new byte[2 + len];
              comp[0] = (byte) (off + len < cb.length ? 0x01 : 0);
              comp[1] = (byte) len;
              System.arraycopy(cb, off, comp, 2, len);
              comps.add(comp);
              off += len;
            } while (off < cb.length);
          }
        }
      }
    }
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream cur = new ByteArrayOutputStream();
    for (byte[] comp : comps) {
      if (cur.size() + comp.length > 250) {
        out.add(slEntry(cur.toByteArray(), true));
        cur.reset();
      }
      cur.write(comp, 0, comp.length);
    }
    out.add(slEntry(cur.toByteArray(), false));
    return out;
  }

  private static byte[] slEntry(byte[] comps, boolean more) {
    ByteBuffer b = entry("SL", 5 + comps.length);
    b.put(4, (byte) (more ? 1 : 0));
    b.put(5, comps);
    return b.array();
  }
}
