/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /media/} on the data plane ({@link DataPlane#serveMedia}): what the source finds is served
 * with ranges, HEAD and validators; a look-up that blocks runs off the event loop and answers stay
 * in request order; what the source does not find is a 404.
 */
class MediaOnDataPlaneIT {

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  /** Knows the shared ISO at once; finds a job's ISO slowly (as a database read would be). */
  static final class Source implements MediaSource {
    final Path shared;
    final Path job;
    final List<String> findThreads = new CopyOnWriteArrayList<>();

    Source(Path shared, Path job) {
      this.shared = shared;
      this.job = job;
    }

    @Override
    public Path known(String path) {
      return path.equals("/media/maintenance.iso") ? shared : null;
    }

    @Override
    public Optional<Path> find(String path) throws IOException {
      Thread t = Thread.currentThread();
      findThreads.add(t.isVirtual() + " " + t.getName());
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (path.equals("/media/broken/task.iso")) {
        throw new IOException("cannot make it (simulated)");
      }
      return path.equals("/media/id1/task.iso") ? Optional.of(job) : Optional.empty();
    }
  }

  HttpResponse<byte[]> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void mediaAreServedFromTheSourceWithRangesAndOrder() throws Exception {
    byte[] shared = new byte[300_000];
    new Random(3).nextBytes(shared);
    byte[] job = "0123456789ABCDEFGHIJ".getBytes(StandardCharsets.US_ASCII);
    Path s = Files.write(dir.resolve("maintenance.iso"), shared);
    Path j = Files.write(dir.resolve("task.iso"), job);
    // No roots: media are not under a signing root and need none.
    try (DataPlane dp = DataPlane.builder().start()) {
      String base = "http://127.0.0.1:" + dp.port();
      assertEquals(404, get(base + "/media/maintenance.iso").statusCode(), "before serveMedia");
      Source src = new Source(s, j);
      dp.serveMedia(src);

      HttpResponse<byte[]> whole = get(base + "/media/maintenance.iso");
      assertEquals(200, whole.statusCode());
      assertArrayEquals(shared, whole.body());
      assertEquals("application/octet-stream", whole.headers().firstValue("Content-Type").get());
      assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").get());
      String etag = whole.headers().firstValue("ETag").orElseThrow();
      assertTrue(whole.headers().firstValue("Last-Modified").isPresent());

      HttpResponse<byte[]> part = get(base + "/media/maintenance.iso", "Range", "bytes=262144-");
      assertEquals(206, part.statusCode());
      assertEquals(
          "bytes 262144-299999/300000", part.headers().firstValue("Content-Range").orElseThrow());
      assertArrayEquals(java.util.Arrays.copyOfRange(shared, 262144, 300_000), part.body());
      assertEquals(
          206,
          get(base + "/media/maintenance.iso", "Range", "bytes=0-9", "If-Range", etag)
              .statusCode());
      assertEquals(
          200,
          get(base + "/media/maintenance.iso", "Range", "bytes=0-9", "If-Range", "\"stale\"")
              .statusCode());
      HttpResponse<byte[]> bad = get(base + "/media/maintenance.iso", "Range", "bytes=300000-");
      assertEquals(416, bad.statusCode());
      assertEquals("bytes */300000", bad.headers().firstValue("Content-Range").orElseThrow());
      HttpResponse<byte[]> head =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/media/id1/task.iso"))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, head.statusCode());
      assertEquals("20", head.headers().firstValue("Content-Length").orElseThrow());
      assertEquals(0, head.body().length);

      HttpResponse<byte[]> slow = get(base + "/media/id1/task.iso", "Range", "bytes=2-5");
      assertEquals(206, slow.statusCode());
      assertEquals("2345", new String(slow.body(), StandardCharsets.US_ASCII));
      assertEquals(404, get(base + "/media/id2/task.iso").statusCode());
      assertEquals(404, get(base + "/media/broken/task.iso").statusCode());
      assertFalse(src.findThreads.isEmpty());
      for (String t : src.findThreads) {
        assertTrue(t.startsWith("true"), "a look-up ran on the event loop: " + t);
      }

      // Pipelined: a slow look-up, then a known path, then a miss, on one connection: the answers
      // come back in request order.
      try (Socket sock = new Socket("127.0.0.1", dp.port())) {
        OutputStream out = sock.getOutputStream();
        out.write(
            ("GET /media/id1/task.iso HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\n\r\n"
                    + "GET /media/maintenance.iso HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n"
                    + "GET /media/nope/task.iso HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] all = readAll(sock.getInputStream());
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int first = text.indexOf("content-range: bytes 0-3/20");
        int second = text.indexOf("content-range: bytes 0-1/300000");
        int third = text.indexOf("HTTP/1.1 404");
        assertTrue(first > 0 && second > first && third > second, text);
        assertTrue(text.contains("\r\n\r\n0123HTTP/1.1 206"), text);
      }

      // The file kept open between requests follows the path: replaced (a new inode), its new
      // bytes and validators at the next request; removed, a 404 (the source finds nothing).
      byte[] other = new byte[1000];
      new Random(4).nextBytes(other);
      Path tmp = Files.write(dir.resolve("maintenance.iso.new"), other);
      Files.move(tmp, s, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      HttpResponse<byte[]> replaced = get(base + "/media/maintenance.iso", "Range", "bytes=0-");
      assertEquals(206, replaced.statusCode());
      assertArrayEquals(other, replaced.body());
      assertNotEquals(etag, replaced.headers().firstValue("ETag").orElseThrow());
      Files.delete(s);
      assertEquals(404, get(base + "/media/maintenance.iso").statusCode(), "removed");

      dp.serveMedia(null);
      assertEquals(404, get(base + "/media/maintenance.iso").statusCode(), "withdrawn");
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toByteArray();
  }
}
