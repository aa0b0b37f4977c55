/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Serializes a {@link Layout} to a channel, strictly in block order. */
final class ImageOutput {

  private static final int MAX_BOOT_IMAGE = 64 << 20;

  private final Layout l;
  private final IsoWriter o;
  private final Out out;

  ImageOutput(Layout layout, IsoWriter opts, WritableByteChannel ch) {
    this.l = layout;
    this.o = opts;
    this.out = new Out(ch);
  }

  long writeAll() throws IOException {
    try {
      return writeImage();
    } finally {
      out.release();
    }
  }

  private long writeImage() throws IOException {
    out.put(Hybrid.systemArea(l));
    out.seekBlock(16);
    out.put(volumeDescriptor(false));
    if (l.hasBoot()) {
      out.seekBlock(l.bootRecordLba);
      out.put(ElTorito.bootRecord(l.catalogLba));
    }
    if (o.joliet) {
      out.seekBlock(l.jolietSvdLba);
      out.put(volumeDescriptor(true));
    }
    out.seekBlock(l.terminatorLba);
    ByteBuffer term = ByteBuffer.allocate(Bytes.BLOCK);
    term.put(0, (byte) 255).put(1, "CD001".getBytes(StandardCharsets.US_ASCII)).put(6, (byte) 1);
    out.put(term);
    writePathTables(l.isoDirs, false, l.pathTableL, l.pathTableM);
    if (o.joliet) {
      writePathTables(l.jolietDirs, true, l.jolietPathTableL, l.jolietPathTableM);
    }
    if (l.hasBoot()) {
      out.seekBlock(l.catalogLba);
      out.put(ElTorito.catalog(l));
    }
    for (Node d : l.isoDirs) {
      out.seekBlock(d.dirLba);
      out.put(directory(d, false));
    }
    out.seekBlock(l.ceStartLba);
    ByteBuffer ce = ByteBuffer.allocate(l.ce.blocks * Bytes.BLOCK);
    for (Node d : l.isoDirs) {
      d.dotPlan.writeChunks(ce, l.ceStartLba);
      d.dotDotPlan.writeChunks(ce, l.ceStartLba);
      for (Node c : d.isoOrder) {
        for (RecordPlan p : c.plans) {
          p.writeChunks(ce, l.ceStartLba);
        }
      }
    }
    out.put(ce);
    for (Node d : l.jolietDirs) {
      out.seekBlock(d.jolietDirLba);
      out.put(directory(d, true));
    }
    try (ReadAhead ahead = new ReadAhead(l.dataOrder, o.bootInfoTable ? l.biosImage : null)) {
      for (Node f : l.dataOrder) {
        out.seekBlock(f.dataLba);
        ByteBuffer early = ahead.take(f);
        if (early != null) {
          out.put(early);
        } else {
          writeData(f);
        }
      }
    }
    out.padBlock();
    Hybrid.writeTail(l, out);
    out.seekBlock(l.volumeBlocks);
    out.flush();
    return out.position();
  }

  private void writeData(Node f) throws IOException {
    if (f == l.biosImage && o.bootInfoTable) {
      byte[] image = f.content != null ? f.content : readBootImage(f);
      out.put(ElTorito.patchInfoTable(image, f.dataLba));
    } else if (f.content != null) {
      out.put(f.content);
    } else {
      try (FileChannel ch = FileChannel.open(f.source, StandardOpenOption.READ)) {
        if (ch.size() != f.size) {
          throw new IOException("file changed size while writing the image: " + f.source);
        }
        out.copy(ch, f.size, f.source);
      }
    }
  }

  private static byte[] readBootImage(Node f) throws IOException {
    if (f.size > MAX_BOOT_IMAGE) {
      throw new IOException("BIOS boot image larger than 64 MiB: " + f.source);
    }
    byte[] b = java.nio.file.Files.readAllBytes(f.source);
    if (b.length != f.size) {
      throw new IOException("file changed size while writing the image: " + f.source);
    }
    return b;
  }

  private ByteBuffer volumeDescriptor(boolean joliet) {
    ByteBuffer b = ByteBuffer.allocate(Bytes.BLOCK);
    b.put(0, (byte) (joliet ? 2 : 1));
    b.put(1, "CD001".getBytes(StandardCharsets.US_ASCII));
    b.put(6, (byte) 1);
    Node root = l.root;
    if (joliet) {
      Bytes.ucs2Text(b, 8, 32, "");
      Bytes.ucs2Text(b, 40, 32, o.volumeId);
      b.put(88, (byte) '%').put(89, (byte) '/').put(90, (byte) 'E');
      Bytes.ucs2Text(b, 190, 128, "");
      Bytes.ucs2Text(b, 318, 128, o.publisher);
      Bytes.ucs2Text(b, 446, 128, "");
      Bytes.ucs2Text(b, 574, 128, o.application);
      Bytes.ucs2Text(b, 702, 36, "");
      Bytes.ucs2Text(b, 739, 36, "");
      Bytes.ucs2Text(b, 776, 36, "");
    } else {
      Bytes.text(b, 8, 32, "");
      Bytes.text(b, 40, 32, o.volumeId);
      Bytes.text(b, 190, 128, "");
      Bytes.text(b, 318, 128, o.publisher);
      Bytes.text(b, 446, 128, "");
      Bytes.text(b, 574, 128, o.application);
      Bytes.text(b, 702, 37, "");
      Bytes.text(b, 739, 37, "");
      Bytes.text(b, 776, 37, "");
    }
    Bytes.both32(b, 80, l.volumeBlocks);
    Bytes.both16(b, 120, 1);
    Bytes.both16(b, 124, 1);
    Bytes.both16(b, 128, Bytes.BLOCK);
    Bytes.both32(b, 132, joliet ? l.jolietPathTableSize : l.pathTableSize);
    Bytes.le32(b, 140, joliet ? l.jolietPathTableL : l.pathTableL);
    Bytes.be32(b, 148, joliet ? l.jolietPathTableM : l.pathTableM);
    writeRecord(
        b,
        156,
        joliet ? root.jolietDirLba : root.dirLba,
        joliet ? root.jolietDirSize : root.dirSize,
        2,
        new byte[] {0},
        null);
    byte[] date = Bytes.longDate(o.date);
    b.put(813, date).put(830, date).put(847, Bytes.noDate()).put(864, date);
    b.put(881, (byte) 1);
    return b;
  }

  private void writePathTables(List<Node> dirs, boolean joliet, int lbaL, int lbaM)
      throws IOException {
    int size = joliet ? l.jolietPathTableSize : l.pathTableSize;
    int padded = (size + Bytes.BLOCK - 1) / Bytes.BLOCK * Bytes.BLOCK;
    ByteBuffer lt = ByteBuffer.allocate(padded);
    ByteBuffer mt = ByteBuffer.allocate(padded);
    int off = 0;
    for (Node d : dirs) {
      byte[] id = d == l.root ? new byte[] {0} : Layout.idBytes(d, joliet);
      int lba = joliet ? d.jolietDirLba : d.dirLba;
      int parent =
          d == l.root ? 1 : joliet ? d.parent.jolietPathTableNumber : d.parent.pathTableNumber;
      for (ByteBuffer t : new ByteBuffer[] {lt, mt}) {
        t.put(off, (byte) id.length);
        t.put(off + 8, id);
      }
      Bytes.le32(lt, off + 2, lba);
      Bytes.le16(lt, off + 6, parent);
      Bytes.be32(mt, off + 2, lba);
      mt.order(java.nio.ByteOrder.BIG_ENDIAN).putShort(off + 6, (short) parent);
      off += 8 + id.length + (id.length & 1);
    }
    out.seekBlock(lbaL);
    out.put(lt);
    out.seekBlock(lbaM);
    out.put(mt);
  }

  private ByteBuffer directory(Node d, boolean joliet) {
    ByteBuffer b = ByteBuffer.allocate(joliet ? d.jolietDirSize : d.dirSize);
    Node parent = d.parent == null ? d : d.parent;
    int[] off = {0};
    record(b, off, dirLba(d, joliet), dirSize(d, joliet), 2, new byte[] {0}, plan(d, joliet, 0));
    record(
        b,
        off,
        dirLba(parent, joliet),
        dirSize(parent, joliet),
        2,
        new byte[] {1},
        plan(d, joliet, 1));
    for (Node c : joliet ? d.jolietOrder : d.isoOrder) {
      byte[] id = Layout.idBytes(c, joliet);
      int parts = l.parts(c);
      for (int i = 0; i < parts; i++) {
        RecordPlan p = joliet ? null : c.plans[i];
        switch (c.kind) {
          case DIRECTORY -> record(b, off, dirLba(c, joliet), dirSize(c, joliet), 2, id, p);
          case SYMLINK -> record(b, off, 0, 0, 0, id, p);
          case CATALOG -> record(b, off, c.dataLba, Bytes.BLOCK, 0, id, p);
          case FILE -> {
            long start = i * o.maxExtent;
            long len = Math.min(o.maxExtent, c.size - start);
            long lba = c.size == 0 ? 0 : c.dataLba + start / Bytes.BLOCK;
            record(b, off, lba, len, i + 1 < parts ? 0x80 : 0, id, p);
          }
        }
      }
    }
    return b;
  }

  private static RecordPlan plan(Node d, boolean joliet, int which) {
    if (joliet) {
      return null;
    }
    return which == 0 ? d.dotPlan : d.dotDotPlan;
  }

  private static int dirLba(Node d, boolean joliet) {
    return joliet ? d.jolietDirLba : d.dirLba;
  }

  private static int dirSize(Node d, boolean joliet) {
    return joliet ? d.jolietDirSize : d.dirSize;
  }

  private void record(
      ByteBuffer b, int[] off, long lba, long len, int flags, byte[] id, RecordPlan p) {
    int recLen = p == null ? RecordPlan.baseLength(id.length) : p.length;
    if (off[0] % Bytes.BLOCK + recLen > Bytes.BLOCK) {
      off[0] = (off[0] / Bytes.BLOCK + 1) * Bytes.BLOCK;
    }
    writeRecord(b, off[0], lba, len, flags, id, p);
    off[0] += recLen;
  }

  private void writeRecord(
      ByteBuffer b, int off, long lba, long len, int flags, byte[] id, RecordPlan p) {
    int recLen = p == null ? RecordPlan.baseLength(id.length) : p.length;
    b.put(off, (byte) recLen);
    Bytes.both32(b, off + 2, lba);
    Bytes.both32(b, off + 10, len);
    b.put(off + 18, l.date);
    b.put(off + 25, (byte) flags);
    Bytes.both16(b, off + 28, 1);
    b.put(off + 32, (byte) id.length);
    b.put(off + 33, id);
    if (p != null) {
      p.writeSystemUse(b, off, l.ceStartLba);
    }
  }
}
