/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import dev.plinth.registry.api.Digest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/** A client that pushes small random images and checks they can be pulled back intact. */
final class Pushes {

  /** An acknowledged push: the repository, tag and blobs with their bytes. */
  record Pushed(String repo, String tag, Digest manifest, List<byte[]> blobs) {}

  final String base;
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
  final String auth =
      "Basic "
          + Base64.getEncoder()
              .encodeToString(("u:" + Harness.TOKEN).getBytes(StandardCharsets.UTF_8));

  Pushes(String base) {
    this.base = base;
  }

  HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .header("Authorization", auth);
  }

  /**
   * Pushes an image with a fresh random layer (chunked upload in two PATCHes) and a shared config;
   * returns it when the manifest PUT was acknowledged (201), else null.
   */
  Pushed push(String repo, String tag, Random rnd, int layerBytes) throws Exception {
    return push(repo, tag, rnd, layerBytes, 0);
  }

  /** As above, waiting {@code pauseMillis} between the blob uploads and the manifest PUT. */
  Pushed push(String repo, String tag, Random rnd, int layerBytes, long pauseMillis)
      throws Exception {
    byte[] layer = new byte[layerBytes];
    rnd.nextBytes(layer);
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Digest ld = Digest.sha256(layer);
    Digest cd = Digest.sha256(config);
    if (!upload(repo, config, cd) || !upload(repo, layer, ld)) {
      return null;
    }
    Thread.sleep(pauseMillis);
    String m = Harness.imageManifest(cd, config.length, ld, layer.length);
    HttpResponse<String> r =
        http.send(
            req("/v2/" + repo + "/manifests/" + tag)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(m))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      return null;
    }
    return new Pushed(
        repo, tag, Digest.sha256(m.getBytes(StandardCharsets.UTF_8)), List.of(config, layer));
  }

  private boolean upload(String repo, byte[] content, Digest d) throws Exception {
    HttpResponse<String> post =
        http.send(
            req("/v2/" + repo + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (post.statusCode() != 202) {
      return false;
    }
    String loc = post.headers().firstValue("Location").orElseThrow();
    int half = content.length / 2;
    HttpResponse<String> p =
        http.send(
            req(loc)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 0, half))
                .header("Content-Range", "0-" + (half - 1))
                .header("Content-Type", "application/octet-stream")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (p.statusCode() != 202) {
      return false;
    }
    HttpResponse<String> put =
        http.send(
            req(loc + "?digest=" + d)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content, half, content.length - half))
                .header("Content-Range", half + "-" + (content.length - 1))
                .header("Content-Type", "application/octet-stream")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return put.statusCode() == 201;
  }

  /** Problems with a pushed image when pulled back (empty: intact). */
  List<String> verify(Pushed p) throws Exception {
    List<String> problems = new ArrayList<>();
    HttpResponse<byte[]> m =
        http.send(
            req("/v2/" + p.repo() + "/manifests/" + p.tag()).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (m.statusCode() != 200 || !Digest.sha256(m.body()).equals(p.manifest())) {
      problems.add(
          p.repo()
              + ":"
              + p.tag()
              + " manifest "
              + m.statusCode()
              + " "
              + new String(m.body(), StandardCharsets.UTF_8));
    }
    for (byte[] b : p.blobs()) {
      HttpResponse<byte[]> g =
          http.send(
              req("/v2/" + p.repo() + "/blobs/" + Digest.sha256(b)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (g.statusCode() != 200 || !java.util.Arrays.equals(b, g.body())) {
        problems.add(p.repo() + ":" + p.tag() + " blob " + Digest.sha256(b) + " " + g.statusCode());
      }
    }
    return problems;
  }
}
