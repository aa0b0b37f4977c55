/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.DateFormatter;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files the data plane serves, kept open between requests: a BMC reading an ISO sends thousands
 * of 256 KiB range requests, and each used to cost three stats, an open and a close besides its
 * sendfile. Now each costs one stat of the path; the channel opened before is used again while the
 * path still names the same file (same inode, size and modification time), so a file replaced (a
 * new inode), changed, or removed is seen at the next request, exactly as when every request opened
 * it. A channel is closed when the last response using it is written and it is no longer the path's
 * current file, or after it was not used for {@link #IDLE_NANOS} (so a removed file's blocks are
 * given back), or when more than {@link #MAX} files are open.
 */
final class OpenFiles {

  /** Most files kept open at once; past it, all are let go (rare: one ISO, a few jobs' media). */
  static final int MAX = 256;

  /** A file not used for this long is closed by {@link #sweep}. */
  static final long IDLE_NANOS = 10_000_000_000L;

  private final ConcurrentHashMap<Path, Open> open = new ConcurrentHashMap<>();

  /**
   * One opened file and its validators, as they were when it was opened. Each response holding it
   * (through its {@link Region}s) and the map hold a reference; the channel closes at the last.
   */
  static final class Open extends AbstractReferenceCounted {
    final FileChannel channel;
    final Object key;
    final long size;
    final FileTime mtime;
    final long mtimeSeconds;

    /** {@code "size-mtime"} in hex, quoted, as before this cache. */
    final String etag;

    final String lastModified;
    volatile long used = System.nanoTime();

    Open(FileChannel channel, BasicFileAttributes a) {
      this.channel = channel;
      this.key = a.fileKey();
      this.size = a.size();
      this.mtime = a.lastModifiedTime();
      long millis = mtime.toMillis();
      this.mtimeSeconds = millis / 1000;
      this.etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(millis) + "\"";
      this.lastModified = DateFormatter.format(new Date(mtimeSeconds * 1000));
    }

    boolean same(BasicFileAttributes a) {
      return key != null
          && key.equals(a.fileKey())
          && size == a.size()
          && mtime.equals(a.lastModifiedTime());
    }

    /** A region of this file for sendfile; it holds a reference of its own until written. */
    DefaultFileRegion region(long position, long count) {
      retain();
      return new Region(this, position, count);
    }

    @Override
    protected void deallocate() {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing was written through it
      }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
      return this;
    }
  }

  /**
   * A {@link DefaultFileRegion} (so the epoll transport still uses sendfile) over a shared channel:
   * releasing it gives back its reference to the {@link Open} instead of closing the channel.
   */
  static final class Region extends DefaultFileRegion {
    private final Open file;

    Region(Open file, long position, long count) {
      super(file.channel, position, count);
      this.file = file;
    }

    @Override
    protected void deallocate() {
      file.release();
    }
  }

  /**
   * The file {@code path} names now, retained for the caller (release it when done), or null when
   * it is not a regular file.
   */
  Open acquire(Path path) throws IOException {
    BasicFileAttributes a = stat(path);
    if (a == null || !a.isRegularFile()) {
      drop(path, null);
      return null;
    }
    Open o = open.get(path);
    if (o != null && o.same(a)) {
      try {
        o.retain();
        o.used = System.nanoTime();
        return o;
      } catch (IllegalReferenceCountException e) {
        // let go of by another thread just now: open it again
      }
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      drop(path, null);
      return null;
    }
    // The validators must be those of the file opened: the path may have been replaced between
    // the stat and the open. Then stat again (once) and trust it only if it is the same file.
    BasicFileAttributes b = stat(path);
    if (b == null || !Objects.equals(b.fileKey(), a.fileKey()) || !b.isRegularFile()) {
      ch.close();
      return b == null ? null : acquireOnce(path, b);
    }
    Open n = new Open(ch, b);
    n.retain(); // one for the caller, one for the map
    if (open.size() >= MAX) {
      clear();
    }
    Open prev = open.put(path, n);
    if (prev != null) {
      prev.release();
    }
    return n;
  }

  /** The file opened without keeping it (after a replace raced the open). */
  private Open acquireOnce(Path path, BasicFileAttributes expected) throws IOException {
    if (!expected.isRegularFile()) {
      return null;
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
    BasicFileAttributes c = stat(path);
    if (c == null) {
      ch.close();
      return null;
    }
    return new Open(ch, c);
  }

  private static BasicFileAttributes stat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private void drop(Path path, Open only) {
    Open o = only == null ? open.remove(path) : (open.remove(path, only) ? only : null);
    if (o != null) {
      o.release();
    }
  }

  /** Closes the files not used for {@link #IDLE_NANOS} (responses still writing keep theirs). */
  void sweep() {
    sweep(IDLE_NANOS);
  }

  void sweep(long idleNanos) {
    long now = System.nanoTime();
    for (Map.Entry<Path, Open> e : open.entrySet()) {
      if (now - e.getValue().used >= idleNanos) {
        drop(e.getKey(), e.getValue());
      }
    }
  }

  /** Lets go of every file (responses still writing keep theirs until written). */
  void clear() {
    for (Map.Entry<Path, Open> e : open.entrySet()) {
      drop(e.getKey(), e.getValue());
    }
  }

  /** How many files are kept open (tests). */
  int size() {
    return open.size();
  }
}
