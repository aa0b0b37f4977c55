/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultFileRegion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files kept open between range requests: the same file is opened once, and a file replaced,
 * changed or removed is seen at the next request, as when each request opened it; channels close
 * once no response holds them.
 */
class OpenFilesTest {

  @TempDir Path dir;

  @Test
  void theSameFileIsOpenedOnceAndAReplacedOneAgain() throws Exception {
    OpenFiles files = new OpenFiles();
    Path f = Files.writeString(dir.resolve("m.iso"), "0123456789");
    OpenFiles.Open a = files.acquire(f);
    OpenFiles.Open b = files.acquire(f);
    assertSame(a, b, "one open per file");
    assertEquals(10, a.size);
    DefaultFileRegion r = a.region(2, 4);
    a.release();
    b.release();
    assertTrue(a.channel.isOpen(), "kept while it is the path's file");

    // Replaced by a rename (a new inode), as an operator replaces the ISO.
    Path tmp = Files.writeString(dir.resolve("m.iso.new"), "abcdefghijklmnop");
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    OpenFiles.Open c = files.acquire(f);
    assertNotSame(a, c);
    assertEquals(16, c.size);
    assertNotEquals(a.etag, c.etag);
    assertEquals("abcd", read(c, 0, 4));
    assertTrue(a.channel.isOpen(), "a response still writing the old file keeps it");
    ByteBuffer old = ByteBuffer.allocate(4);
    a.channel.read(old, 2);
    assertEquals("2345", new String(old.array(), StandardCharsets.US_ASCII));
    r.release();
    assertFalse(a.channel.isOpen(), "closed once its last response is written");

    // Changed in place (same inode, new size and time): new validators.
    Files.writeString(f, "xyz");
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
    OpenFiles.Open d = files.acquire(f);
    assertNotSame(c, d);
    assertEquals(3, d.size);
    assertEquals(1_000_000_000L, d.mtimeSeconds);
    assertTrue(c.channel.isOpen(), "held by its caller");
    c.release();
    assertFalse(c.channel.isOpen());

    // Removed: nothing to serve, and the channel is let go of.
    Files.delete(f);
    assertNull(files.acquire(f));
    assertEquals(0, files.size());
    d.release();
    assertFalse(d.channel.isOpen());
    assertNull(files.acquire(dir), "a directory is not served");
  }

  @Test
  void idleFilesAreClosed() throws Exception {
    OpenFiles files = new OpenFiles();
    Path f = Files.writeString(dir.resolve("t.iso"), "task");
    OpenFiles.Open a = files.acquire(f);
    a.release();
    files.sweep();
    assertEquals(1, files.size(), "just used");
    files.sweep(0);
    assertEquals(0, files.size());
    assertFalse(a.channel.isOpen());
    OpenFiles.Open b = files.acquire(f);
    assertNotSame(a, b);
    b.release();
    files.clear();
    assertFalse(b.channel.isOpen());
  }

  private static String read(OpenFiles.Open o, long pos, int n) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(n);
    o.channel.read(b, pos);
    return new String(b.array(), StandardCharsets.US_ASCII);
  }
}
