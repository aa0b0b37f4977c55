/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks the directory hierarchy of one tree (primary with or without Rock Ridge, or Joliet),
 * checking every length and block number against the image, remembering every directory visited (no
 * loops) and bounding the entries and bytes read (no unbounded memory).
 */
final class DirectoryParser {

  /** A directory record's data, before it becomes an {@link IsoEntry}. */
  private record Raw(
      String name, boolean dir, List<long[]> extents, long length, Susp rr, Instant date) {
    long block() {
      return extents.get(0)[0];
    }
  }

  private final IsoReader.Image image;
  private final boolean joliet;
  private final boolean rockRidge;
  private final int suspSkip;
  private final IsoReader.Limits limits;
  private long bytesRead;

  DirectoryParser(
      IsoReader.Image image,
      boolean joliet,
      boolean rockRidge,
      int suspSkip,
      IsoReader.Limits limits) {
    this.image = image;
    this.joliet = joliet;
    this.rockRidge = rockRidge;
    this.suspSkip = suspSkip;
    this.limits = limits;
  }

  List<IsoEntry> walk(long rootBlock, long rootLength) throws IsoFormatException {
    List<IsoEntry> out = new ArrayList<>();
    Set<Long> visited = new HashSet<>();
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {"", rootBlock, rootLength, 0});
    while (!stack.isEmpty()) {
      Object[] d = stack.pop();
      String path = (String) d[0];
      long block = (Long) d[1];
      long length = (Long) d[2];
      int depth = (Integer) d[3];
      if (!visited.add(block)) {
        throw new IsoFormatException("directory loop at block " + block + " (" + path + ")");
      }
      if (depth > limits.maxDepth()) {
        throw new IsoFormatException("directories nested deeper than " + limits.maxDepth());
      }
      List<Raw> kids = readDirectory(block, length);
      Set<String> names = new HashSet<>();
      List<Object[]> subdirs = new ArrayList<>();
      for (Raw r : kids) {
        if (!names.add(r.name())) {
          throw new IsoFormatException("duplicate name '" + r.name() + "' in /" + path);
        }
        String p = path.isEmpty() ? r.name() : path + "/" + r.name();
        IsoEntry e = toEntry(p, r);
        out.add(e);
        if (out.size() > limits.maxEntries()) {
          throw new IsoFormatException("more than " + limits.maxEntries() + " entries");
        }
        if (e.type() == IsoEntry.Type.DIRECTORY) {
          subdirs.add(new Object[] {p, r.block(), r.length(), depth + 1});
        }
      }
      for (int i = subdirs.size() - 1; i >= 0; i--) {
        stack.push(subdirs.get(i));
      }
    }
    return out;
  }

  private IsoEntry toEntry(String path, Raw r) {
    Susp rr = r.rr();
    IsoEntry.Type type;
    int mode;
    if (rr != null && rr.mode != -1) {
      int fmt = rr.mode & 0170000;
      type =
          r.dir()
              ? IsoEntry.Type.DIRECTORY
              : fmt == RockRidge.S_IFLNK && rr.hasLink ? IsoEntry.Type.SYMLINK : IsoEntry.Type.FILE;
      mode = rr.mode & 07777;
    } else {
      type = r.dir() ? IsoEntry.Type.DIRECTORY : IsoEntry.Type.FILE;
      mode = r.dir() ? 0555 : 0444;
    }
    boolean file = type == IsoEntry.Type.FILE;
    List<IsoEntry.Extent> extents = new ArrayList<>();
    long size = 0;
    if (file) {
      for (long[] e : r.extents()) {
        extents.add(new IsoEntry.Extent(e[0], e[1]));
      }
      size = r.length();
    }
    Instant when = rr != null && rr.modified != null ? rr.modified : r.date();
    return new IsoEntry(
        path,
        type,
        size,
        mode,
        rr == null ? 0 : rr.uid,
        rr == null ? 0 : rr.gid,
        when,
        type == IsoEntry.Type.SYMLINK ? rr.link.toString() : null,
        extents);
  }

  private List<Raw> readDirectory(long block, long length) throws IsoFormatException {
    if (length > limits.maxDirectoryBytes()) {
      throw new IsoFormatException("directory at block " + block + " is too large: " + length);
    }
    bytesRead += length;
    if (bytesRead > limits.maxMetadataBytes()) {
      throw new IsoFormatException("directories take more than the metadata limit");
    }
    ByteBuffer b = image.read(block, 0, length);
    List<Raw> out = new ArrayList<>();
    int off = 0;
    Raw multi = null;
    List<long[]> multiExtents = new ArrayList<>();
    while (off < b.limit()) {
      int len = b.get(off) & 0xff;
      if (len == 0) {
        off = (off / Bytes.BLOCK + 1) * Bytes.BLOCK;
        continue;
      }
      if (len < 34 || off + len > b.limit() || off / Bytes.BLOCK != (off + len - 1) / Bytes.BLOCK) {
        throw new IsoFormatException("bad directory record at block " + block + "+" + off);
      }
      ByteBuffer rec = b.slice(off, len).order(ByteOrder.LITTLE_ENDIAN);
      off += len;
      int idLen = rec.get(32) & 0xff;
      if (33 + idLen > len) {
        throw new IsoFormatException("bad identifier length at block " + block);
      }
      int flags = rec.get(25) & 0xff;
      if (idLen == 1 && (rec.get(33) == 0 || rec.get(33) == 1)) {
        continue;
      }
      if ((flags & 0x04) != 0) {
        continue; // associated file
      }
      long extent = rec.getInt(2) & 0xFFFFFFFFL;
      long dataLen = rec.getInt(10) & 0xFFFFFFFFL;
      Susp rr = rockRidge ? susp(rec, idLen, len) : null;
      if (rr != null && rr.relocated) {
        continue;
      }
      boolean dir = (flags & 0x02) != 0;
      if (rr != null && rr.childLink >= 0) {
        dir = true;
        extent = rr.childLink;
        dataLen = dotLength(rr.childLink);
      }
      if (dir) {
        image.checkRange(extent, dataLen);
      } else if (dataLen > 0) {
        image.checkRange(extent, dataLen);
      }
      String name = name(rec, idLen, rr, dir);
      Raw raw =
          new Raw(
              name, dir, List.of(new long[] {extent, dataLen}), dataLen, rr, shortDate(rec, 18));
      if (multi != null) {
        if (!multi.name().equals(name) || dir) {
          throw new IsoFormatException("broken multi-extent file " + multi.name());
        }
        multiExtents.add(new long[] {extent, dataLen});
        if ((flags & 0x80) == 0) {
          out.add(joinExtents(multi, multiExtents));
          multi = null;
        }
        continue;
      }
      if ((flags & 0x80) != 0 && !dir) {
        multi = raw;
        multiExtents = new ArrayList<>();
        multiExtents.add(new long[] {extent, dataLen});
        continue;
      }
      out.add(raw);
    }
    if (multi != null) {
      throw new IsoFormatException("unterminated multi-extent file " + multi.name());
    }
    return out;
  }

  private static Raw joinExtents(Raw first, List<long[]> extents) {
    long total = 0;
    for (long[] e : extents) {
      total = Math.addExact(total, e[1]);
    }
    return new Raw(first.name(), false, extents, total, first.rr(), first.date());
  }

  private long dotLength(long block) throws IsoFormatException {
    ByteBuffer b = image.read(block, 0, 34);
    return b.order(ByteOrder.LITTLE_ENDIAN).getInt(10) & 0xFFFFFFFFL;
  }

  private Susp susp(ByteBuffer rec, int idLen, int len) throws IsoFormatException {
    int start = 33 + idLen + ((idLen & 1) == 0 ? 1 : 0) + suspSkip;
    Susp s = new Susp();
    if (start < len) {
      s.parse(rec.slice(start, len - start), image::readContinuation);
    }
    return s;
  }

  private String name(ByteBuffer rec, int idLen, Susp rr, boolean dir) throws IsoFormatException {
    byte[] id = new byte[idLen];
    rec.get(33, id);
    String name;
    if (rr != null && rr.hasName) {
      name = rr.name();
    } else if (joliet) {
      name = stripVersion(new String(id, StandardCharsets.UTF_16BE), dir);
    } else {
      name = stripVersion(new String(id, StandardCharsets.ISO_8859_1), dir);
    }
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new IsoFormatException("bad file name '" + name + "'");
    }
    return name;
  }

  private static String stripVersion(String s, boolean dir) {
    String n = s;
    int semi = n.lastIndexOf(';');
    if (!dir && semi >= 0) {
      n = n.substring(0, semi);
    }
    if (!dir && n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    return n;
  }

  static Instant shortDate(ByteBuffer b, int off) {
    byte[] d = new byte[7];
    b.get(off, d);
    return shortDate(d, 0);
  }

  static Instant shortDate(byte[] d, int off) {
    try {
      LocalDateTime t =
          LocalDateTime.of(
              1900 + (d[off] & 0xff), d[off + 1], d[off + 2], d[off + 3], d[off + 4], d[off + 5]);
      int quarterHours = Math.max(-48, Math.min(52, (int) d[off + 6]));
      return t.toInstant(ZoneOffset.ofTotalSeconds(quarterHours * 15 * 60));
    } catch (DateTimeException e) {
      return Instant.EPOCH;
    }
  }
}
