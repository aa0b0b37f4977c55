/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.Digest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload bodies received on the data plane: large bodies (many socket reads, the hashing thread and
 * its back-pressure), streamed bodies of unknown length, Expect: 100-continue, the size limit (the
 * chunk is undone, the session goes on) and a wrong digest.
 */
class DataPlaneUploadIT {

  @TempDir Path root;
  Harness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private String start(String repo) throws Exception {
    HttpResponse<byte[]> post = h.post("/v2/" + repo + "/blobs/uploads/", new byte[0]);
    assertEquals(202, post.statusCode());
    String loc = post.headers().firstValue("Location").orElseThrow();
    int dp = h.registry.dataPlane().orElseThrow().port();
    assertTrue(loc.startsWith("http://127.0.0.1:" + dp + "/u/"), loc);
    return loc;
  }

  private byte[] blob(String repo, Digest d) throws Exception {
    HttpResponse<byte[]> r = h.get("/v2/" + repo + "/blobs/" + d);
    if (r.statusCode() == 307) {
      r = h.get(r.headers().firstValue("Location").orElseThrow());
    }
    assertEquals(200, r.statusCode());
    return r.body();
  }

  @Test
  void monolithicPutWithExpectContinueIsHashedAndStored() throws Exception {
    h = new Harness(root);
    byte[] content = random(40 << 20); // past the hash queue's high-water mark
    Digest d = Digest.sha256(content);
    String loc = start("big");
    HttpResponse<byte[]> put =
        h.send(
            h.req(loc + "?digest=" + d)
                .expectContinue(true)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
    assertEquals(201, put.statusCode(), Harness.body(put));
    assertEquals(d.toString(), put.headers().firstValue("Docker-Content-Digest").orElseThrow());
    assertTrue(put.headers().firstValue("Location").orElseThrow().endsWith("/v2/big/blobs/" + d));
    assertArrayEquals(content, blob("big", d));
  }

  @Test
  void streamedPatchesOfUnknownLengthThenEmptyPut() throws Exception {
    h = new Harness(root);
    byte[] content = random(6 << 20);
    Digest d = Digest.sha256(content);
    String loc = start("stream");
    int half = 5 << 20;
    HttpResponse<byte[]> p1 =
        h.send(
            h.req(loc)
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(content, 0, half))));
    assertEquals(202, p1.statusCode(), Harness.body(p1));
    assertEquals("0-" + (half - 1), p1.headers().firstValue("Range").orElseThrow());
    String loc2 = p1.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> p2 =
        h.send(
            h.req(loc2)
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(content, half, content.length - half))));
    assertEquals(202, p2.statusCode());
    HttpResponse<byte[]> put = h.put(loc2 + "?digest=" + d, null, new byte[0]);
    assertEquals(201, put.statusCode(), Harness.body(put));
    assertArrayEquals(content, blob("stream", d));
  }

  @Test
  void tooLargeChunkIsUndoneAndTheSessionGoesOn() throws Exception {
    h = new Harness(root, b -> b.maxBlobBytes(1 << 20));
    String loc = start("limit");
    HttpResponse<byte[]> big =
        h.send(h.req(loc).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(random(3 << 20))));
    assertEquals(413, big.statusCode());
    HttpResponse<byte[]> status = h.get(loc);
    assertEquals(204, status.statusCode());
    assertEquals("0-0", status.headers().firstValue("Range").orElseThrow());
    byte[] small = random(1000);
    Digest d = Digest.sha256(small);
    HttpResponse<byte[]> put = h.put(loc + "?digest=" + d, "application/octet-stream", small);
    assertEquals(201, put.statusCode(), Harness.body(put));
  }

  @Test
  void wrongDigestIsRejectedAndTheSessionIsGone() throws Exception {
    h = new Harness(root);
    String loc = start("wrong");
    HttpResponse<byte[]> put =
        h.put(loc + "?digest=" + Digest.sha256(new byte[] {1}), null, random(3 << 20));
    assertEquals(400, put.statusCode());
    assertTrue(Harness.body(put).contains("DIGEST_INVALID"), Harness.body(put));
    assertEquals(404, h.get(loc).statusCode());
  }
}
