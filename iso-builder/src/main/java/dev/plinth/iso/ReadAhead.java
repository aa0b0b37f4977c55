/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads small files ahead of the writer on two threads, so that opening and reading thousands of
 * small files overlaps with writing. The window is bounded in files and bytes; the writer still
 * consumes strictly in layout order. Large files are not read ahead (they go by transferTo).
 */
final class ReadAhead implements AutoCloseable {

  private static final int MAX_FILES = 256;
  private static final long MAX_BYTES = 16L << 20;

  private final List<Node> files;
  private final ExecutorService pool;
  private final Map<Node, Future<ByteBuffer>> pending = new HashMap<>();
  private final ArrayDeque<Node> queued = new ArrayDeque<>();
  private int next;
  private long queuedBytes;

  ReadAhead(List<Node> dataOrder, Node exclude) {
    this.files =
        dataOrder.stream()
            .filter(n -> n.source != null && n.size <= Out.SMALL_FILE && n != exclude)
            .toList();
    this.pool =
        files.size() < 64
            ? null
            : Executors.newFixedThreadPool(
                2,
                r -> {
                  Thread t = new Thread(r, "iso-read-ahead");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** The content of {@code f} if it was read ahead, else null (the caller reads it). */
  ByteBuffer take(Node f) throws IOException {
    if (pool == null) {
      return null;
    }
    fill();
    Future<ByteBuffer> fut = pending.remove(f);
    if (fut == null) {
      return null;
    }
    queued.remove(f);
    queuedBytes -= f.size;
    try {
      return fut.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + f.source);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("reading " + f.source + ": " + e.getCause(), e.getCause());
    } finally {
      fill();
    }
  }

  private void fill() {
    while (next < files.size() && queued.size() < MAX_FILES && queuedBytes < MAX_BYTES) {
      Node f = files.get(next++);
      queued.add(f);
      queuedBytes += f.size;
      pending.put(f, pool.submit(() -> read(f)));
    }
  }

  private static ByteBuffer read(Node f) throws IOException {
    try (FileChannel ch = FileChannel.open(f.source, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate((int) f.size + 1);
      while (b.hasRemaining()) {
        if (ch.read(b) < 0) {
          break;
        }
      }
      if (b.position() != f.size) {
        throw new IOException("file changed size while writing the image: " + f.source);
      }
      return b.flip();
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
