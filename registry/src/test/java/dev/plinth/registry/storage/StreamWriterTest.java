/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamWriterTest {

  @TempDir Path dir;

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private long append(Path f, InputStream in, long max, MessageDigest md) throws IOException {
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = ch.size();
      ch.position(start);
      return StreamWriter.append(in, ch, start, max, md);
    }
  }

  @Test
  void largeBodyIsWrittenAndHashedInOrder() throws Exception {
    byte[] body = random((5 << 20) + 12345);
    Path f = dir.resolve("data");
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    assertEquals(body.length, append(f, new ByteArrayInputStream(body), Long.MAX_VALUE, md));
    assertArrayEquals(body, Files.readAllBytes(f));
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), md.digest());
  }

  @Test
  void appendsContinueAfterExistingBytesWithoutHashing() throws Exception {
    byte[] a = random(100);
    byte[] b = random(3 << 20);
    Path f = dir.resolve("data");
    append(f, new ByteArrayInputStream(a), Long.MAX_VALUE, null);
    append(f, new ByteArrayInputStream(b), Long.MAX_VALUE, null);
    byte[] all = Files.readAllBytes(f);
    assertEquals(a.length + b.length, all.length);
    assertArrayEquals(b, java.util.Arrays.copyOfRange(all, a.length, all.length));
  }

  @Test
  void bodiesOverTheLimitAreRefused() {
    Path f = dir.resolve("data");
    for (int size : new int[] {1000, 2 << 20}) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> append(f, new ByteArrayInputStream(random(size)), size - 1, null));
      assertEquals(ErrorCode.SIZE_LIMIT, e.code());
    }
  }

  @Test
  void failingStreamsReturnTheirBuffersToThePool() {
    // more failures than the pool has buffers: a leak would make the last append wait forever
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          Path f = dir.resolve("data");
          for (int i = 0; i < 300; i++) {
            InputStream broken = new FailingStream(random(1 << 20), 200_000 + i);
            assertThrows(
                IOException.class,
                () -> append(f, broken, Long.MAX_VALUE, MessageDigest.getInstance("SHA-256")));
            assertThrows(
                RegistryException.class,
                () -> append(f, new ByteArrayInputStream(random(1 << 20)), 1 << 19, null));
          }
          Path g = dir.resolve("ok");
          byte[] body = random(4 << 20);
          assertEquals(
              body.length, append(g, new ByteArrayInputStream(body), Long.MAX_VALUE, null));
        });
  }

  /** Serves {@code failAt} bytes of {@code data}, then throws, as a dropped connection does. */
  private static final class FailingStream extends InputStream {
    private final ByteArrayInputStream in;
    private int left;

    FailingStream(byte[] data, int failAt) {
      this.in = new ByteArrayInputStream(data);
      this.left = failAt;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        throw new IOException("connection reset");
      }
      int n = in.read(b, off, Math.min(len, left));
      left -= n;
      return n;
    }
  }
}
