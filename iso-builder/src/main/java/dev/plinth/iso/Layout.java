/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Decides where everything goes before a byte is written. The image, in 2048-byte blocks:
 *
 * <pre>
 *   0-15   system area (zeros, or hybrid MBR + primary GPT)
 *   16     primary volume descriptor
 *   17     El Torito boot record          (with a boot entry)
 *   ..     Joliet supplementary descriptor (with Joliet)
 *   ..     descriptor set terminator
 *   ..     path tables: ISO L, ISO M, Joliet L, Joliet M
 *   ..     El Torito boot catalog         (with a boot entry)
 *   ..     ISO 9660 directories, breadth first (path table order)
 *   ..     Rock Ridge continuation areas
 *   ..     Joliet directories, breadth first
 *   ..     file data, depth first in byte-wise name order, each file contiguous
 *   ..     backup GPT, then padding to 1 MiB (hybrid only)
 * </pre>
 */
final class Layout {

  /** Largest extent of a multi-extent file: 4 GiB minus one block. */
  static final long MAX_EXTENT = 0xFFFFF800L;

  final Node root;
  final IsoWriter opts;
  final byte[] date;
  final List<Node> isoDirs = new ArrayList<>();
  final List<Node> jolietDirs = new ArrayList<>();
  final List<Node> dataOrder = new ArrayList<>();
  final RecordPlan.ContinuationArea ce = new RecordPlan.ContinuationArea();
  Node catalog;
  Node biosImage;
  Node efiImage;

  int bootRecordLba;
  int jolietSvdLba;
  int terminatorLba;
  int pathTableSize;
  int jolietPathTableSize;
  int pathTableL;
  int pathTableM;
  int jolietPathTableL;
  int jolietPathTableM;
  int catalogLba;
  int ceStartLba;
  long dataStartLba;
  long gptTailLba;
  long volumeBlocks;

  private Layout(Node root, IsoWriter opts) {
    this.root = root;
    this.opts = opts;
    this.date = Bytes.shortDate(opts.date);
  }

  static Layout of(Node root, IsoWriter opts) {
    Layout l = new Layout(root, opts);
    l.placeBootFiles();
    l.assignNamesAndModes(root);
    l.orderDirectories();
    l.planRecords();
    l.assignBlocks();
    return l;
  }

  boolean hasBoot() {
    return opts.biosBootImage != null || opts.efiBootImage != null;
  }

  private void placeBootFiles() {
    if (!hasBoot()) {
      return;
    }
    biosImage = opts.biosBootImage == null ? null : find(opts.biosBootImage);
    efiImage = opts.efiBootImage == null ? null : find(opts.efiBootImage);
    String[] parts = opts.bootCatalog.split("/");
    Node dir = root;
    for (int i = 0; i < parts.length - 1; i++) {
      Node next = dir.children.get(parts[i]);
      if (next == null) {
        next = Node.directory(parts[i], dir, IsoTree.DEFAULT_DIR_MODE);
        dir.children.put(parts[i], next);
      } else if (!next.isDirectory()) {
        throw new IllegalArgumentException("boot catalog parent is a file: " + opts.bootCatalog);
      }
      dir = next;
    }
    String leaf = parts[parts.length - 1];
    if (dir.children.containsKey(leaf)) {
      throw new IllegalArgumentException(
          "boot catalog path exists in the tree: " + opts.bootCatalog);
    }
    catalog = Node.catalog(leaf, dir);
    dir.children.put(leaf, catalog);
  }

  private Node find(String path) {
    Node cur = root;
    for (String p : path.split("/")) {
      cur = cur.children.get(p);
      if (cur == null) {
        throw new IllegalArgumentException("boot image not in the tree: " + path);
      }
    }
    if (cur.kind != Node.Kind.FILE || cur.size == 0) {
      throw new IllegalArgumentException("boot image is not a non-empty file: " + path);
    }
    return cur;
  }

  private void assignNamesAndModes(Node dir) {
    Names.assign(dir, opts.joliet);
    for (Node n : dir.sortedChildren()) {
      n.mode = effectiveMode(n);
      if (n.isDirectory()) {
        assignNamesAndModes(n);
      }
    }
    root.mode = effectiveMode(root);
  }

  private int effectiveMode(Node n) {
    int perm =
        switch (opts.modePolicy) {
          case PRESERVE -> n.mode & 07777;
          case NORMALIZE ->
              switch (n.kind) {
                case DIRECTORY -> 0755;
                case SYMLINK -> 0777;
                case CATALOG -> 0444;
                case FILE -> (n.mode & 0111) != 0 ? 0755 : 0644;
              };
        };
    return perm
        | switch (n.kind) {
          case DIRECTORY -> RockRidge.S_IFDIR;
          case SYMLINK -> RockRidge.S_IFLNK;
          case FILE, CATALOG -> RockRidge.S_IFREG;
        };
  }

  private void orderDirectories() {
    Deque<Node> queue = new ArrayDeque<>();
    queue.add(root);
    while (!queue.isEmpty()) {
      Node d = queue.poll();
      d.isoOrder = Names.isoOrder(d);
      d.pathTableNumber = isoDirs.size() + 1;
      isoDirs.add(d);
      for (Node c : d.isoOrder) {
        if (c.isDirectory()) {
          queue.add(c);
        }
      }
    }
    if (isoDirs.size() > 0xffff) {
      throw new IllegalArgumentException("more than 65535 directories");
    }
    if (opts.joliet) {
      queue.add(root);
      while (!queue.isEmpty()) {
        Node d = queue.poll();
        d.jolietOrder = Names.jolietOrder(d);
        d.jolietPathTableNumber = jolietDirs.size() + 1;
        jolietDirs.add(d);
        for (Node c : d.jolietOrder) {
          if (c.isDirectory()) {
            queue.add(c);
          }
        }
      }
    }
    collectData(root);
  }

  private void collectData(Node dir) {
    for (Node n : dir.sortedChildren()) {
      if (n.kind == Node.Kind.FILE && n.size > 0) {
        dataOrder.add(n);
      } else if (n.isDirectory()) {
        collectData(n);
      }
    }
  }

  int parts(Node n) {
    long max = opts.maxExtent;
    return n.kind == Node.Kind.FILE && n.size > max ? (int) ((n.size + max - 1) / max) : 1;
  }

  private void planRecords() {
    for (Node d : isoDirs) {
      List<Integer> lengths = new ArrayList<>();
      d.dotPlan = RecordPlan.plan(1, dotSusp(d, d == root), ce);
      d.dotDotPlan = RecordPlan.plan(1, dotSusp(d.parent == null ? d : d.parent, false), ce);
      lengths.add(d.dotPlan.length);
      lengths.add(d.dotDotPlan.length);
      for (Node c : d.isoOrder) {
        int idLen = c.isoName.length();
        c.plans = new RecordPlan[parts(c)];
        for (int i = 0; i < c.plans.length; i++) {
          c.plans[i] = RecordPlan.plan(idLen, childSusp(c), ce);
          lengths.add(c.plans[i].length);
        }
      }
      d.dirSize = packedSize(lengths);
    }
    for (Node d : jolietDirs) {
      List<Integer> lengths = new ArrayList<>();
      lengths.add(RecordPlan.baseLength(1));
      lengths.add(RecordPlan.baseLength(1));
      for (Node c : d.jolietOrder) {
        int len = RecordPlan.baseLength(c.jolietId.length);
        for (int i = 0; i < parts(c); i++) {
          lengths.add(len);
        }
      }
      d.jolietDirSize = packedSize(lengths);
    }
  }

  List<byte[]> dotSusp(Node d, boolean withSpEr) {
    if (!opts.rockRidge) {
      return List.of();
    }
    List<byte[]> s = new ArrayList<>();
    if (withSpEr) {
      s.add(RockRidge.sp());
    }
    s.add(RockRidge.px(d.mode, nlink(d), opts.uid, opts.gid));
    s.add(RockRidge.tf(date));
    if (withSpEr) {
      s.add(RockRidge.er());
    }
    return s;
  }

  private List<byte[]> childSusp(Node c) {
    if (!opts.rockRidge) {
      return List.of();
    }
    List<byte[]> s = new ArrayList<>();
    s.add(RockRidge.px(c.mode, nlink(c), opts.uid, opts.gid));
    s.add(RockRidge.tf(date));
    s.addAll(RockRidge.nm(c.name));
    if (c.kind == Node.Kind.SYMLINK) {
      s.addAll(RockRidge.sl(c.linkTarget));
    }
    return s;
  }

  private static int nlink(Node n) {
    if (!n.isDirectory()) {
      return 1;
    }
    int links = 2;
    for (Node c : n.children.values()) {
      if (c.isDirectory()) {
        links++;
      }
    }
    return links;
  }

  /** Size of a directory extent: records never cross a block boundary. */
  static int packedSize(List<Integer> lengths) {
    long off = 0;
    for (int len : lengths) {
      if ((off % Bytes.BLOCK) + len > Bytes.BLOCK) {
        off = (off / Bytes.BLOCK + 1) * Bytes.BLOCK;
      }
      off += len;
    }
    long size = (off + Bytes.BLOCK - 1) / Bytes.BLOCK * Bytes.BLOCK;
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("directory too large");
    }
    return (int) size;
  }

  private static int pathTableSize(List<Node> dirs, boolean joliet) {
    int size = 0;
    for (Node d : dirs) {
      int idLen = d == dirs.get(0) ? 1 : idBytes(d, joliet).length;
      size += 8 + idLen + (idLen & 1);
    }
    return size;
  }

  static byte[] idBytes(Node n, boolean joliet) {
    return joliet ? n.jolietId : n.isoId;
  }

  private static int blocks(long bytes) {
    return (int) ((bytes + Bytes.BLOCK - 1) / Bytes.BLOCK);
  }

  private void assignBlocks() {
    int lba = 17;
    if (hasBoot()) {
      bootRecordLba = lba++;
    }
    if (opts.joliet) {
      jolietSvdLba = lba++;
    }
    terminatorLba = lba++;
    pathTableSize = pathTableSize(isoDirs, false);
    pathTableL = lba;
    lba += blocks(pathTableSize);
    pathTableM = lba;
    lba += blocks(pathTableSize);
    if (opts.joliet) {
      jolietPathTableSize = pathTableSize(jolietDirs, true);
      jolietPathTableL = lba;
      lba += blocks(jolietPathTableSize);
      jolietPathTableM = lba;
      lba += blocks(jolietPathTableSize);
    }
    if (hasBoot()) {
      catalogLba = lba++;
      catalog.dataLba = catalogLba;
    }
    long next = lba;
    for (Node d : isoDirs) {
      d.dirLba = (int) next;
      next += blocks(d.dirSize);
    }
    ceStartLba = (int) next;
    next += ce.blocks;
    for (Node d : jolietDirs) {
      d.jolietDirLba = (int) next;
      next += blocks(d.jolietDirSize);
    }
    if (next > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("metadata too large");
    }
    dataStartLba = next;
    for (Node f : dataOrder) {
      f.dataLba = next;
      next += blocks(f.size);
    }
    if (next > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("image larger than 8 TiB");
    }
    volumeBlocks = Hybrid.finishLayout(this, next);
  }
}
