/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A sparse file attached as a loop device with partition scanning; detached on close. */
final class LoopDisk implements AutoCloseable {
  final Path file;
  final String dev;

  private LoopDisk(Path file, String dev) {
    this.file = file;
    this.dev = dev;
  }

  static LoopDisk create(Path dir, long bytes) throws IOException, InterruptedException {
    Path f = Files.createTempFile(dir, "disk", ".img");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(bytes);
    }
    String dev = Sh.run("losetup", "-f", "--show", "-P", f.toString()).strip();
    return new LoopDisk(f, dev);
  }

  /** Partition N's node ({@code /dev/loopXpN}) after the kernel re-read the table. */
  String part(int n) throws IOException, InterruptedException {
    Sh.status("partx", "-u", dev);
    return dev + "p" + n;
  }

  byte[] read(long offset, int length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      byte[] b = new byte[length];
      raf.seek(offset);
      raf.readFully(b);
      return b;
    }
  }

  void write(long offset, byte[] b) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      raf.write(b);
    }
  }

  /** sha256 of the whole backing file (through the loop device's page cache: flushed first). */
  String sha256() throws IOException, InterruptedException {
    Sh.status("blockdev", "--flushbufs", dev);
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 20];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      Sh.status("losetup", "-d", dev);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(file);
  }
}
