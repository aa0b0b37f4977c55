/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The Rock Ridge facts gathered from the system-use entries of one directory record. */
final class Susp {

  /** Most continuation areas followed for one record. */
  static final int MAX_CONTINUATIONS = 64;

  int mode = -1;
  int uid;
  int gid;
  Instant modified;
  final ByteArrayOutputStream name = new ByteArrayOutputStream();
  boolean hasName;
  boolean nameIsSpecial;
  final StringBuilder link = new StringBuilder();
  boolean hasLink;
  boolean linkComponentOpen;
  boolean relocated;
  long childLink = -1;
  boolean sp;
  int skip;

  /** Reads a continuation area's bytes. */
  interface Source {
    ByteBuffer read(long block, long offset, long length) throws IsoFormatException;
  }

  /** Parses the entries in {@code area} and any continuation areas they point to. */
  void parse(ByteBuffer area, Source src) throws IsoFormatException {
    ByteBuffer cur = area;
    for (int hops = 0; cur != null; hops++) {
      if (hops > MAX_CONTINUATIONS) {
        throw new IsoFormatException("too many Rock Ridge continuation areas");
      }
      long[] ce = parseArea(cur);
      cur = ce == null ? null : src.read(ce[0], ce[1], ce[2]);
    }
  }

  private long[] parseArea(ByteBuffer a) throws IsoFormatException {
    long[] ce = null;
    int off = 0;
    while (off + 4 <= a.remaining()) {
      int len = a.get(off + 2) & 0xff;
      if (len < 4 || off + len > a.remaining()) {
        break; // padding or garbage at the end: stop as Linux does
      }
      String sig = new String(new byte[] {a.get(off), a.get(off + 1)}, StandardCharsets.ISO_8859_1);
      ByteBuffer e = a.slice(off, len).order(ByteOrder.LITTLE_ENDIAN);
      switch (sig) {
        case "SP" -> {
          if (len >= 7 && (e.get(4) & 0xff) == 0xBE && (e.get(5) & 0xff) == 0xEF) {
            sp = true;
            skip = e.get(6) & 0xff;
          }
        }
        case "CE" -> {
          if (len >= 28) {
            ce = new long[] {uint(e, 4), uint(e, 12), uint(e, 20)};
          }
        }
        case "PX" -> {
          if (len >= 36) {
            mode = e.getInt(4);
            uid = e.getInt(20);
            gid = e.getInt(28);
          }
        }
        case "NM" -> name(e, len);
        case "SL" -> link(e, len);
        case "TF" -> time(e, len);
        case "RE" -> relocated = true;
        case "CL" -> {
          if (len >= 12) {
            childLink = uint(e, 4);
          }
        }
        case "ST" -> {
          return ce;
        }
        default -> {}
      }
      off += len;
    }
    return ce;
  }

  private static long uint(ByteBuffer e, int off) {
    return e.getInt(off) & 0xFFFFFFFFL;
  }

  private void name(ByteBuffer e, int len) {
    if (len < 5) {
      return;
    }
    int flags = e.get(4) & 0xff;
    if ((flags & 0x06) != 0) {
      nameIsSpecial = true;
      return;
    }
    hasName = true;
    for (int i = 5; i < len; i++) {
      name.write(e.get(i));
    }
  }

  private void link(ByteBuffer e, int len) {
    hasLink = true;
    int off = 5;
    while (off + 2 <= len) {
      int flags = e.get(off) & 0xff;
      int clen = e.get(off + 1) & 0xff;
      if (off + 2 + clen > len) {
        return;
      }
      if (!linkComponentOpen && !link.isEmpty() && link.charAt(link.length() - 1) != '/') {
        link.append('/');
      }
      if ((flags & 0x02) != 0) {
        link.append('.');
      } else if ((flags & 0x04) != 0) {
        link.append("..");
      } else if ((flags & 0x08) != 0) {
        link.setLength(0);
        link.append('/');
      } else {
        byte[] c = new byte[clen];
        e.get(off + 2, c);
        link.append(new String(c, StandardCharsets.UTF_8));
      }
      linkComponentOpen = (flags & 0x01) != 0;
      off += 2 + clen;
    }
  }

  private void time(ByteBuffer e, int len) {
    if (len < 5) {
      return;
    }
    int flags = e.get(4) & 0xff;
    boolean longForm = (flags & 0x80) != 0;
    int size = longForm ? 17 : 7;
    int off = 5;
    for (int bit = 0; bit < 7 && off + size <= len; bit++) {
      if ((flags & (1 << bit)) == 0) {
        continue;
      }
      if (bit == 1 && !longForm) {
        byte[] d = new byte[7];
        e.get(off, d);
        modified = DirectoryParser.shortDate(d, 0);
      }
      off += size;
    }
  }

  String name() {
    return name.toString(StandardCharsets.UTF_8);
  }
}
