/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the system-use entries of one directory record go: as many as fit in the record, the rest
 * in a chain of continuation areas (CE), each kept inside one block because readers such as Linux
 * read a continuation area from a single block.
 */
final class RecordPlan {

  /** Longest directory record we write (ECMA-119 allows 255; records have even length). */
  static final int MAX_RECORD = 254;

  /** Allocates continuation areas in whole blocks, never across a block boundary. */
  static final class ContinuationArea {
    int blocks;
    private int offset = Bytes.BLOCK;

    long alloc(int size) {
      if (offset + size > Bytes.BLOCK) {
        blocks++;
        offset = 0;
      }
      long at = ((long) (blocks - 1) << 16) | offset;
      offset += size;
      return at;
    }
  }

  /** A continuation area: its entries and where it was allocated. */
  record Chunk(List<byte[]> entries, int size, int block, int offset) {}

  final List<byte[]> inline;
  final List<Chunk> chunks;
  final int length;
  final int idLength;

  private RecordPlan(List<byte[]> inline, List<Chunk> chunks, int length, int idLength) {
    this.inline = inline;
    this.chunks = chunks;
    this.length = length;
    this.idLength = idLength;
  }

  static int baseLength(int idLen) {
    return 33 + idLen + ((idLen & 1) == 0 ? 1 : 0);
  }

  static RecordPlan plan(int idLen, List<byte[]> susp, ContinuationArea ce) {
    int base = baseLength(idLen);
    int room = MAX_RECORD - base;
    int total = 0;
    for (byte[] e : susp) {
      total += e.length;
    }
    if (total <= room) {
      return new RecordPlan(susp, List.of(), even(base + total), idLen);
    }
    List<byte[]> inline = new ArrayList<>();
    int used = 0;
    int i = 0;
    while (i < susp.size() && used + susp.get(i).length <= room - RockRidge.CE_LEN) {
      used += susp.get(i).length;
      inline.add(susp.get(i++));
    }
    List<Chunk> chunks = new ArrayList<>();
    while (i < susp.size()) {
      List<byte[]> entries = new ArrayList<>();
      int size = 0;
      int rest = 0;
      for (int j = i; j < susp.size(); j++) {
        rest += susp.get(j).length;
      }
      int cap = rest <= Bytes.BLOCK ? Bytes.BLOCK : Bytes.BLOCK - RockRidge.CE_LEN;
      while (i < susp.size() && size + susp.get(i).length <= cap) {
        size += susp.get(i).length;
        entries.add(susp.get(i++));
      }
      int full = size + (i < susp.size() ? RockRidge.CE_LEN : 0);
      long at = ce.alloc(full);
      chunks.add(new Chunk(entries, full, (int) (at >>> 16), (int) (at & 0xffff)));
    }
    return new RecordPlan(inline, chunks, even(base + used + RockRidge.CE_LEN), idLen);
  }

  private static int even(int n) {
    return (n + 1) & ~1;
  }

  /** Writes the system-use area of the record starting at {@code recordOff}. */
  void writeSystemUse(ByteBuffer dir, int recordOff, long ceStartLba) {
    int off = recordOff + baseLength(idLength);
    for (byte[] e : inline) {
      dir.put(off, e);
      off += e.length;
    }
    if (!chunks.isEmpty()) {
      Chunk c = chunks.get(0);
      dir.put(off, RockRidge.ce(ceStartLba + c.block(), c.offset(), c.size()));
    }
  }

  /** Writes the continuation areas into {@code area}, which holds all CE blocks of the image. */
  void writeChunks(ByteBuffer area, long ceStartLba) {
    for (int k = 0; k < chunks.size(); k++) {
      Chunk c = chunks.get(k);
      int off = c.block() * Bytes.BLOCK + c.offset();
      for (byte[] e : c.entries()) {
        area.put(off, e);
        off += e.length;
      }
      if (k + 1 < chunks.size()) {
        Chunk n = chunks.get(k + 1);
        area.put(off, RockRidge.ce(ceStartLba + n.block(), n.offset(), n.size()));
      }
    }
  }
}
