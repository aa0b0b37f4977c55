/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.dataplane.DataPlane;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Netty data plane: redirects from /v2, signed and published URLs, ranges, conditionals. */
class DataPlaneIT {

  @TempDir Path root;
  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<byte[]> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void largeBlobGetRedirectsToSignedDataPlaneUrl() throws Exception {
    byte[] content = new byte[3 << 20];
    new Random(1).nextBytes(content);
    try (Harness h = new Harness(root, b -> b.redirectAbove(1024))) {
      Digest d = h.pushBlob("big", content);
      HttpResponse<byte[]> r = h.get("/v2/big/blobs/" + d);
      assertEquals(307, r.statusCode());
      String loc = r.headers().firstValue("Location").orElseThrow();
      assertTrue(
          loc.startsWith("http://127.0.0.1:" + h.registry.dataPlane().orElseThrow().port() + "/s/"),
          loc);
      HttpResponse<byte[]> body = get(loc);
      assertEquals(200, body.statusCode());
      assertArrayEquals(content, body.body());
      assertEquals("\"" + d + "\"", body.headers().firstValue("ETag").orElseThrow());
      assertTrue(body.headers().firstValue("Last-Modified").isPresent());
      assertEquals(304, get(loc, "If-None-Match", "\"" + d + "\"").statusCode());
      HttpResponse<byte[]> tampered = get(loc.substring(0, loc.length() - 2) + "AA");
      assertEquals(404, tampered.statusCode());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void rangesSingleMultipleAndUnsatisfiable(boolean nativeTransport) throws Exception {
    Path dir = Files.createDirectories(root.resolve("media"));
    Path f = dir.resolve("task.iso");
    byte[] content = "0123456789ABCDEFGHIJ".getBytes(StandardCharsets.US_ASCII);
    Files.write(f, content);
    try (DataPlane dp = DataPlane.builder().root(dir).allowNative(nativeTransport).start()) {
      String base = "http://127.0.0.1:" + dp.port();
      String url = base + dp.sign(f, "application/octet-stream", null, Duration.ofMinutes(1));
      HttpResponse<byte[]> one = get(url, "Range", "bytes=2-5");
      assertEquals(206, one.statusCode());
      assertEquals("2345", new String(one.body(), StandardCharsets.US_ASCII));
      assertEquals("bytes 2-5/20", one.headers().firstValue("Content-Range").orElseThrow());
      HttpResponse<byte[]> suffix = get(url, "Range", "bytes=-3");
      assertEquals("HIJ", new String(suffix.body(), StandardCharsets.US_ASCII));
      HttpResponse<byte[]> multi = get(url, "Range", "bytes=0-1,10-11");
      assertEquals(206, multi.statusCode());
      String ct = multi.headers().firstValue("Content-Type").orElseThrow();
      assertTrue(ct.startsWith("multipart/byteranges; boundary="));
      String body = new String(multi.body(), StandardCharsets.US_ASCII);
      assertTrue(body.contains("Content-Range: bytes 0-1/20\r\n\r\n01\r\n"), body);
      assertTrue(body.contains("Content-Range: bytes 10-11/20\r\n\r\nAB\r\n"), body);
      assertTrue(body.endsWith("--" + ct.substring(ct.indexOf('=') + 1) + "--\r\n"));
      assertEquals(
          Long.parseLong(multi.headers().firstValue("Content-Length").orElseThrow()),
          multi.body().length);
      HttpResponse<byte[]> bad = get(url, "Range", "bytes=30-40");
      assertEquals(416, bad.statusCode());
      assertEquals("bytes */20", bad.headers().firstValue("Content-Range").orElseThrow());
      HttpResponse<byte[]> stale = get(url, "Range", "bytes=0-1", "If-Range", "\"other\"");
      assertEquals(200, stale.statusCode());
      assertArrayEquals(content, stale.body());
      HttpResponse<byte[]> head =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("20", head.headers().firstValue("Content-Length").orElseThrow());
      assertEquals("bytes", head.headers().firstValue("Accept-Ranges").orElseThrow());
      HttpResponse<byte[]> post =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(405, post.statusCode());
    }
  }

  @Test
  void expiredSignedUrlsAndPathsOutsideRootsAreRefused() throws Exception {
    Path dir = Files.createDirectories(root.resolve("blobs"));
    Path f = Files.writeString(dir.resolve("x"), "x");
    Path outside = Files.writeString(root.resolve("secret"), "s");
    try (DataPlane dp = DataPlane.builder().root(dir).start()) {
      String base = "http://127.0.0.1:" + dp.port();
      assertEquals(
          404, get(base + dp.sign(f, "text/plain", null, Duration.ofSeconds(-5))).statusCode());
      assertThrows(
          IllegalArgumentException.class,
          () -> dp.sign(outside, "text/plain", null, Duration.ofMinutes(1)));
      assertEquals(404, get(base + "/s/nothing").statusCode());
      assertEquals(404, get(base + "/etc/passwd").statusCode());
    }
  }

  @Test
  void http10IsAnsweredAndKeepAliveOnlyWhenAsked() throws Exception {
    Path iso = Files.write(root.resolve("ten.iso"), new byte[] {1, 2, 3, 4});
    try (DataPlane dp = DataPlane.builder().start()) {
      String path = dp.publish("abcdefghijklmnopqrstuvwxyz012345", "t.iso", iso, "x/y");
      try (Socket s = new Socket("127.0.0.1", dp.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(US_ASCII));
        String r = new String(s.getInputStream().readAllBytes(), ISO_8859_1);
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.toLowerCase(Locale.ROOT).contains("\r\ncontent-length: 4\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\n\u0001\u0002\u0003\u0004"), r);
      }
      // An HTTP/1.0 client keeps the connection only when the answer says keep-alive.
      try (Socket s = new Socket("127.0.0.1", dp.port())) {
        s.setSoTimeout(10_000);
        var out = s.getOutputStream();
        var in = new BufferedReader(new InputStreamReader(s.getInputStream(), ISO_8859_1));
        for (int i = 0; i < 2; i++) {
          out.write(
              ("HEAD " + path + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").getBytes(US_ASCII));
          assertEquals("HTTP/1.1 200 OK", in.readLine());
          List<String> headers = new ArrayList<>();
          for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            headers.add(line.toLowerCase(Locale.ROOT));
          }
          assertTrue(headers.contains("connection: keep-alive"), headers.toString());
        }
      }
    }
  }

  @Test
  void publishedTokensServeUntilWithdrawn() throws Exception {
    Path iso = Files.write(root.resolve("job.iso"), new byte[] {1, 2, 3, 4});
    try (DataPlane dp = DataPlane.builder().start()) {
      String token = "abcdefghijklmnopqrstuvwxyz012345";
      String path = dp.publish(token, "task.iso", iso, "application/x-iso9660-image");
      String url = "http://127.0.0.1:" + dp.port() + path;
      HttpResponse<byte[]> r = get(url);
      assertEquals(200, r.statusCode());
      assertArrayEquals(new byte[] {1, 2, 3, 4}, r.body());
      assertEquals(
          "application/x-iso9660-image", r.headers().firstValue("Content-Type").orElseThrow());
      assertEquals(404, get(url.replace("task.iso", "other.iso")).statusCode());
      assertEquals(Arrays.asList(iso), dp.published(token).stream().toList());
      dp.unpublish(token);
      assertEquals(404, get(url).statusCode());
      assertThrows(IllegalArgumentException.class, () -> dp.publish("short", "a.iso", iso, "x"));
    }
  }
}
