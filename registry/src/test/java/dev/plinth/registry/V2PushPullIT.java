/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blob push and pull endpoints, every path and error. */
class V2PushPullIT {

  @TempDir Path root;
  Harness h;

  @BeforeEach
  void start() throws Exception {
    h = new Harness(root);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  static String code(HttpResponse<byte[]> r) {
    String b = Harness.body(r);
    int i = b.indexOf("\"code\":\"");
    return i < 0 ? b : b.substring(i + 8, b.indexOf('"', i + 8));
  }

  @Test
  void monolithicPostWithDigestStoresAndServesBlob() throws Exception {
    byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
    Digest d = h.pushBlob("a/b", content);
    HttpResponse<byte[]> get = h.get("/v2/a/b/blobs/" + d);
    assertEquals(200, get.statusCode());
    assertArrayEquals(content, get.body());
    assertEquals(d.toString(), get.headers().firstValue("Docker-Content-Digest").orElseThrow());
    HttpResponse<byte[]> head = h.head("/v2/a/b/blobs/" + d);
    assertEquals(200, head.statusCode());
    assertEquals(
        String.valueOf(content.length), head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("\"" + d + "\"", head.headers().firstValue("ETag").orElseThrow());
    HttpResponse<byte[]> range =
        h.send(h.req("/v2/a/b/blobs/" + d).header("Range", "bytes=6-").GET());
    assertEquals(206, range.statusCode());
    assertEquals("blob", Harness.body(range));
    assertEquals("bytes 6-9/10", range.headers().firstValue("Content-Range").orElseThrow());
    HttpResponse<byte[]> bad =
        h.send(h.req("/v2/a/b/blobs/" + d).header("Range", "bytes=50-").GET());
    assertEquals(416, bad.statusCode());
    assertEquals("bytes */10", bad.headers().firstValue("Content-Range").orElseThrow());
  }

  @Test
  void blobInAnotherRepositoryIsUnknownHere() throws Exception {
    Digest d = h.pushBlob("one", new byte[] {1, 2, 3});
    HttpResponse<byte[]> r = h.get("/v2/two/blobs/" + d);
    assertEquals(404, r.statusCode());
    assertEquals("BLOB_UNKNOWN", code(r));
    assertEquals(404, h.head("/v2/two/blobs/" + d).statusCode());
  }

  @Test
  void postThenPutUploadsMonolithically() throws Exception {
    HttpResponse<byte[]> post = h.post("/v2/r/blobs/uploads/", new byte[0]);
    assertEquals(202, post.statusCode());
    String loc = post.headers().firstValue("Location").orElseThrow();
    assertTrue(post.headers().firstValue("Docker-Upload-UUID").isPresent());
    byte[] content = "monolithic".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(content);
    HttpResponse<byte[]> put = h.put(loc + "?digest=" + d, "application/octet-stream", content);
    assertEquals(201, put.statusCode());
    // the PUT went to the data plane's upload URL: it points back at the registry's listener
    String blobLoc = put.headers().firstValue("Location").orElseThrow();
    assertTrue(blobLoc.endsWith("/v2/r/blobs/" + d), blobLoc);
    assertArrayEquals(content, h.get(blobLoc).body());
    assertArrayEquals(content, h.get("/v2/r/blobs/" + d).body());
  }

  @Test
  void chunkedUploadRejectsOutOfOrderRangeAndReportsStatus() throws Exception {
    byte[] content = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(content);
    String loc =
        h.post("/v2/c/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> outOfOrder = h.patch(loc, Arrays.copyOfRange(content, 10, 20), "10-19");
    assertEquals(416, outOfOrder.statusCode());
    HttpResponse<byte[]> first = h.patch(loc, Arrays.copyOfRange(content, 0, 10), "0-9");
    assertEquals(202, first.statusCode());
    assertEquals("0-9", first.headers().firstValue("Range").orElseThrow());
    String loc2 = first.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> status = h.get(loc2);
    assertEquals(204, status.statusCode());
    assertEquals("0-9", status.headers().firstValue("Range").orElseThrow());
    assertEquals(416, h.patch(loc2, Arrays.copyOfRange(content, 12, 20), "12-19").statusCode());
    HttpResponse<byte[]> last =
        h.send(
            h.req(loc2 + "?digest=" + d)
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        Arrays.copyOfRange(content, 10, 20)))
                .header("Content-Range", "10-19")
                .header("Content-Type", "application/octet-stream"));
    assertEquals(201, last.statusCode(), Harness.body(last));
    assertArrayEquals(content, h.get("/v2/c/blobs/" + d).body());
  }

  @Test
  void streamedPatchWithoutRangeAppends() throws Exception {
    String loc =
        h.post("/v2/s/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> p1 = h.patch(loc, "abc".getBytes(StandardCharsets.UTF_8), null);
    assertEquals(202, p1.statusCode());
    HttpResponse<byte[]> p2 =
        h.patch(
            p1.headers().firstValue("Location").orElseThrow(),
            "def".getBytes(StandardCharsets.UTF_8),
            null);
    assertEquals("0-5", p2.headers().firstValue("Range").orElseThrow());
    Digest d = Digest.sha256("abcdef".getBytes(StandardCharsets.UTF_8));
    assertEquals(201, h.put(loc + "?digest=" + d, null, new byte[0]).statusCode());
  }

  @Test
  void wrongDigestIsRejectedAndSessionGone() throws Exception {
    String loc =
        h.post("/v2/w/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
    h.patch(loc, "data".getBytes(StandardCharsets.UTF_8), "0-3");
    HttpResponse<byte[]> put =
        h.put(loc + "?digest=" + Digest.sha256(new byte[] {9}), null, new byte[0]);
    assertEquals(400, put.statusCode());
    assertEquals("DIGEST_INVALID", code(put));
    assertEquals(404, h.get(loc).statusCode());
    HttpResponse<byte[]> noDigest =
        h.put(
            h.post("/v2/w/blobs/uploads/", new byte[0])
                .headers()
                .firstValue("Location")
                .orElseThrow(),
            null,
            new byte[0]);
    assertEquals(400, noDigest.statusCode());
    assertEquals("DIGEST_INVALID", code(noDigest));
    HttpResponse<byte[]> badAlg = h.post("/v2/w/blobs/uploads/?digest=md5:abcd", new byte[] {1});
    assertEquals(400, badAlg.statusCode());
  }

  @Test
  void sha512DigestsAreVerified() throws Exception {
    byte[] content = "sha512 content".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.of(Digest.newMessageDigest("sha512").digest(content), "sha512");
    assertEquals(201, h.post("/v2/x/blobs/uploads/?digest=" + d, content).statusCode());
    assertArrayEquals(content, h.get("/v2/x/blobs/" + d).body());
  }

  @Test
  void cancelledUploadIsUnknown() throws Exception {
    String loc =
        h.post("/v2/d/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
    assertEquals(204, h.delete(loc).statusCode());
    HttpResponse<byte[]> r = h.get(loc);
    assertEquals(404, r.statusCode());
    assertEquals("BLOB_UPLOAD_UNKNOWN", code(r));
    assertEquals(404, h.get("/v2/d/blobs/uploads/not-a-uuid").statusCode());
    HttpResponse<byte[]> other = h.post("/v2/e/blobs/uploads/", new byte[0]);
    String otherId = other.headers().firstValue("Docker-Upload-UUID").orElseThrow();
    assertEquals(404, h.get("/v2/d/blobs/uploads/" + otherId).statusCode());
    assertEquals(204, h.get("/v2/e/blobs/uploads/" + otherId).statusCode());
    // the data plane's upload URL is signed: a changed token is unknown
    String otherLoc = other.headers().firstValue("Location").orElseThrow();
    assertEquals(204, h.get(otherLoc).statusCode());
    String tampered = otherLoc.substring(0, otherLoc.length() - 2) + "AA";
    assertEquals(404, h.get(tampered.equals(otherLoc) ? otherLoc + "A" : tampered).statusCode());
  }

  @Test
  void crossRepositoryMountLinksExistingBlob() throws Exception {
    Digest d = h.pushBlob("src", "shared".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> m = h.post("/v2/dst/blobs/uploads/?mount=" + d + "&from=src", new byte[0]);
    assertEquals(201, m.statusCode());
    assertEquals("/v2/dst/blobs/" + d, m.headers().firstValue("Location").orElseThrow());
    assertEquals(200, h.get("/v2/dst/blobs/" + d).statusCode());
    HttpResponse<byte[]> missing =
        h.post(
            "/v2/dst/blobs/uploads/?mount=" + Digest.sha256(new byte[] {7}) + "&from=src",
            new byte[0]);
    assertEquals(202, missing.statusCode());
    HttpResponse<byte[]> noFrom = h.post("/v2/third/blobs/uploads/?mount=" + d, new byte[0]);
    assertEquals(201, noFrom.statusCode());
    HttpResponse<byte[]> wrongFrom =
        h.post("/v2/fourth/blobs/uploads/?mount=" + d + "&from=nowhere", new byte[0]);
    assertEquals(202, wrongFrom.statusCode());
  }

  @Test
  void blobDeleteUnlinksFromRepository() throws Exception {
    Digest d = h.pushBlob("del", new byte[] {4, 5});
    assertEquals(202, h.delete("/v2/del/blobs/" + d).statusCode());
    assertEquals(404, h.get("/v2/del/blobs/" + d).statusCode());
    HttpResponse<byte[]> again = h.delete("/v2/del/blobs/" + d);
    assertEquals(404, again.statusCode());
    assertEquals("BLOB_UNKNOWN", code(again));
  }

  @Test
  void invalidNamesAndDigestsAreRejected() throws Exception {
    HttpResponse<byte[]> name = h.get("/v2/Upper/tags/list");
    assertEquals(400, name.statusCode());
    assertEquals("NAME_INVALID", code(name));
    HttpResponse<byte[]> dig = h.get("/v2/ok/blobs/sha256:xyz");
    assertEquals(400, dig.statusCode());
    assertEquals("DIGEST_INVALID", code(dig));
    assertEquals(400, h.get("/v2/a/../b/tags/list").statusCode() / 100 * 100);
    assertEquals(405, h.send(h.req("/v2/ok/tags/list").DELETE()).statusCode());
  }

  @Test
  void uploadOverSizeLimitIsRefused() throws Exception {
    h.close();
    h = new Harness(root, b -> b.maxBlobBytes(8));
    HttpResponse<byte[]> r =
        h.post("/v2/big/blobs/uploads/?digest=" + Digest.sha256(new byte[16]), new byte[16]);
    assertEquals(413, r.statusCode());
  }

  @Test
  void uploadSessionSurvivesRestart() throws Exception {
    byte[] content = "first-half|second-half".getBytes(StandardCharsets.UTF_8);
    String loc =
        h.post("/v2/restart/blobs/uploads/", new byte[0])
            .headers()
            .firstValue("Location")
            .orElseThrow();
    assertEquals(202, h.patch(loc, Arrays.copyOfRange(content, 0, 11), "0-10").statusCode());
    String id =
        h.get(loc).headers().firstValue("Docker-Upload-UUID").orElseThrow(); // as the POST gave
    h.close();
    h = new Harness(root);
    // the harness's restart gets new ports: go on through the registry's own session URL
    loc = "/v2/restart/blobs/uploads/" + id;
    assertEquals("0-10", h.get(loc).headers().firstValue("Range").orElseThrow());
    HttpResponse<byte[]> put =
        h.send(
            h.req(loc + "?digest=" + Digest.sha256(content))
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        Arrays.copyOfRange(content, 11, content.length)))
                .header("Content-Range", "11-" + (content.length - 1)));
    assertEquals(201, put.statusCode(), Harness.body(put));
    assertArrayEquals(content, h.get("/v2/restart/blobs/" + Digest.sha256(content)).body());
  }
}
