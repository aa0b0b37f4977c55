/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static dev.plinth.registry.V2PushPullIT.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifest, tag, catalog and referrers endpoints. */
class V2ManifestsIT {

  static final String OCI = "application/vnd.oci.image.manifest.v1+json";
  static final String INDEX = "application/vnd.oci.image.index.v1+json";

  @TempDir Path root;
  Harness h;
  Digest config;
  Digest layer;

  @BeforeEach
  void start() throws Exception {
    h = new Harness(root);
    config = h.pushBlob("app", "{}".getBytes(StandardCharsets.UTF_8));
    layer = h.pushBlob("app", "layer bytes".getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  String image() {
    return Harness.imageManifest(config, 2, layer, 11);
  }

  @Test
  void manifestPutByTagServesByTagAndDigest() throws Exception {
    Digest d = h.pushManifest("app", "v1", OCI, image());
    assertEquals(Digest.sha256(image().getBytes(StandardCharsets.UTF_8)), d);
    for (String ref : new String[] {"v1", d.toString()}) {
      HttpResponse<byte[]> g = h.get("/v2/app/manifests/" + ref);
      assertEquals(200, g.statusCode());
      assertEquals(OCI, g.headers().firstValue("Content-Type").orElseThrow());
      assertEquals(d.toString(), g.headers().firstValue("Docker-Content-Digest").orElseThrow());
      assertEquals(image(), Harness.body(g));
      HttpResponse<byte[]> hd = h.head("/v2/app/manifests/" + ref);
      assertEquals(200, hd.statusCode());
      assertEquals(
          String.valueOf(image().length()),
          hd.headers().firstValue("Content-Length").orElseThrow());
      assertEquals(0, hd.body().length);
    }
  }

  @Test
  void manifestPutByDigestChecksDigest() throws Exception {
    Digest d = Digest.sha256(image().getBytes(StandardCharsets.UTF_8));
    assertEquals(d, h.pushManifest("app", d.toString(), OCI, image()));
    HttpResponse<byte[]> bad =
        h.put(
            "/v2/app/manifests/" + Digest.sha256(new byte[] {1}),
            OCI,
            image().getBytes(StandardCharsets.UTF_8));
    assertEquals(400, bad.statusCode());
    assertEquals("DIGEST_INVALID", code(bad));
  }

  @Test
  void unknownManifestAndInvalidManifestsAreRejected() throws Exception {
    assertEquals(404, h.get("/v2/app/manifests/.INVALID_MANIFEST_NAME").statusCode());
    assertEquals(404, h.delete("/v2/app/manifests/.INVALID_MANIFEST_NAME").statusCode());
    HttpResponse<byte[]> unknown = h.get("/v2/app/manifests/nope");
    assertEquals(404, unknown.statusCode());
    assertEquals("MANIFEST_UNKNOWN", code(unknown));
    assertEquals(404, h.head("/v2/app/manifests/nope").statusCode());
    HttpResponse<byte[]> notJson =
        h.put("/v2/app/manifests/x", OCI, "not json".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, notJson.statusCode());
    assertEquals("MANIFEST_INVALID", code(notJson));
    String missing = Harness.imageManifest(config, 2, Digest.sha256(new byte[] {42}), 1);
    HttpResponse<byte[]> mb =
        h.put("/v2/app/manifests/x", OCI, missing.getBytes(StandardCharsets.UTF_8));
    // 400, as distribution answers it and clients built against it expect (not 404).
    assertEquals(400, mb.statusCode());
    assertEquals("MANIFEST_BLOB_UNKNOWN", code(mb));
    HttpResponse<byte[]> badTag =
        h.put("/v2/app/manifests/-bad", OCI, image().getBytes(StandardCharsets.UTF_8));
    assertEquals(400, badTag.statusCode());
    HttpResponse<byte[]> mismatch =
        h.put("/v2/app/manifests/x", INDEX, image().getBytes(StandardCharsets.UTF_8));
    assertEquals(400, mismatch.statusCode());
  }

  @Test
  void oversizedManifestIsRefused() throws Exception {
    h.close();
    h = new Harness(root, b -> b.maxManifestBytes(64));
    HttpResponse<byte[]> r =
        h.put("/v2/app/manifests/big", OCI, image().getBytes(StandardCharsets.UTF_8));
    assertEquals(413, r.statusCode());
  }

  @Test
  void indexNeedsItsChildrenAndDockerTypesRoundTrip() throws Exception {
    Digest child = h.pushManifest("app", "child", OCI, image());
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + INDEX
            + "\",\"manifests\":[{\"mediaType\":\""
            + OCI
            + "\",\"digest\":\""
            + child
            + "\",\"size\":"
            + image().length()
            + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
    h.pushManifest("app", "multi", INDEX, index);
    assertEquals(
        INDEX, h.get("/v2/app/manifests/multi").headers().firstValue("Content-Type").orElseThrow());
    String orphan = index.replace(child.toString(), Digest.sha256(new byte[] {3}).toString());
    HttpResponse<byte[]> o =
        h.put("/v2/app/manifests/orphan", INDEX, orphan.getBytes(StandardCharsets.UTF_8));
    assertEquals(400, o.statusCode());
    assertEquals("MANIFEST_BLOB_UNKNOWN", code(o));
    String docker = "application/vnd.docker.distribution.manifest.v2+json";
    String dm = image().replace(OCI, docker);
    h.pushManifest("app", "docker", docker, dm);
    assertEquals(
        docker,
        h.get("/v2/app/manifests/docker").headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void tagListPaginatesWithLink() throws Exception {
    for (String t : new String[] {"c", "a", "d", "b"}) {
      h.pushManifest("app", t, OCI, image());
    }
    assertEquals(
        "{\"name\":\"app\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}",
        Harness.body(h.get("/v2/app/tags/list")));
    HttpResponse<byte[]> p1 = h.get("/v2/app/tags/list?n=2");
    assertEquals("{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}", Harness.body(p1));
    assertEquals(
        "</v2/app/tags/list?n=2&last=b>; rel=\"next\"",
        p1.headers().firstValue("Link").orElseThrow());
    HttpResponse<byte[]> p2 = h.get("/v2/app/tags/list?n=2&last=b");
    assertEquals("{\"name\":\"app\",\"tags\":[\"c\",\"d\"]}", Harness.body(p2));
    assertFalse(p2.headers().firstValue("Link").isPresent());
    assertEquals("{\"name\":\"app\",\"tags\":[]}", Harness.body(h.get("/v2/app/tags/list?n=0")));
    HttpResponse<byte[]> unknown = h.get("/v2/nothing/tags/list");
    assertEquals(404, unknown.statusCode());
    assertEquals("NAME_UNKNOWN", code(unknown));
  }

  @Test
  void catalogPaginates() throws Exception {
    h.pushBlob("zeta", new byte[] {1});
    h.pushBlob("alpha/one", new byte[] {1});
    assertEquals(
        "{\"repositories\":[\"alpha/one\",\"app\",\"zeta\"]}", Harness.body(h.get("/v2/_catalog")));
    HttpResponse<byte[]> p = h.get("/v2/_catalog?n=1&last=alpha/one");
    assertEquals("{\"repositories\":[\"app\"]}", Harness.body(p));
    assertTrue(
        p.headers().firstValue("Link").orElseThrow().startsWith("</v2/_catalog?n=1&last=app>"));
  }

  String artifact(Digest subject, String type) {
    Digest empty = Digest.sha256("{}".getBytes(StandardCharsets.UTF_8));
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + OCI
        + "\",\"artifactType\":\""
        + type
        + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + empty
        + "\",\"size\":2},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + empty
        + "\",\"size\":2}],"
        + "\"subject\":{\"mediaType\":\""
        + OCI
        + "\",\"digest\":\""
        + subject
        + "\",\"size\":1},"
        + "\"annotations\":{\"org.example\":\""
        + type
        + "\"}}";
  }

  @Test
  void referrersListsAndFiltersByArtifactType() throws Exception {
    Digest subject = h.pushManifest("app", "v1", OCI, image());
    HttpResponse<byte[]> put =
        h.put(
            "/v2/app/manifests/sig",
            OCI,
            artifact(subject, "application/vnd.example.sig").getBytes(StandardCharsets.UTF_8));
    assertEquals(201, put.statusCode());
    assertEquals(subject.toString(), put.headers().firstValue("OCI-Subject").orElseThrow());
    Digest sbom =
        Digest.sha256(
            artifact(subject, "application/vnd.example.sbom").getBytes(StandardCharsets.UTF_8));
    h.pushManifest("app", sbom.toString(), OCI, artifact(subject, "application/vnd.example.sbom"));
    HttpResponse<byte[]> all = h.get("/v2/app/referrers/" + subject);
    assertEquals(200, all.statusCode());
    assertEquals(INDEX, all.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(Harness.body(all).contains("application/vnd.example.sig"));
    assertTrue(Harness.body(all).contains(sbom.toString()));
    HttpResponse<byte[]> f =
        h.get("/v2/app/referrers/" + subject + "?artifactType=application/vnd.example.sbom");
    assertEquals("artifactType", f.headers().firstValue("OCI-Filters-Applied").orElseThrow());
    assertTrue(Harness.body(f).contains(sbom.toString()));
    assertFalse(Harness.body(f).contains("application/vnd.example.sig"));
    HttpResponse<byte[]> none = h.get("/v2/app/referrers/" + Digest.sha256(new byte[] {8}));
    assertEquals(200, none.statusCode());
    assertEquals(
        "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[]}",
        Harness.body(none));
    // a subject that does not exist (yet) is accepted
    Digest ghost = Digest.sha256(new byte[] {9});
    assertEquals(
        201,
        h.put(
                "/v2/app/manifests/ghost",
                OCI,
                artifact(ghost, "x/y").getBytes(StandardCharsets.UTF_8))
            .statusCode());
    // deleting the referrer removes it from the list
    assertEquals(202, h.delete("/v2/app/manifests/" + sbom).statusCode());
    assertFalse(Harness.body(h.get("/v2/app/referrers/" + subject)).contains(sbom.toString()));
  }

  @Test
  void deletesOfTagsAndManifests() throws Exception {
    Digest d = h.pushManifest("app", "v1", OCI, image());
    h.pushManifest("app", "v2", OCI, image());
    assertEquals(202, h.delete("/v2/app/manifests/v2").statusCode());
    assertEquals(404, h.get("/v2/app/manifests/v2").statusCode());
    assertEquals(200, h.get("/v2/app/manifests/v1").statusCode());
    HttpResponse<byte[]> again = h.delete("/v2/app/manifests/v2");
    assertEquals(404, again.statusCode());
    assertEquals(202, h.delete("/v2/app/manifests/" + d).statusCode());
    assertEquals(404, h.get("/v2/app/manifests/" + d).statusCode());
    assertEquals(404, h.get("/v2/app/manifests/v1").statusCode());
    assertEquals("MANIFEST_UNKNOWN", code(h.delete("/v2/app/manifests/" + d)));
  }
}
