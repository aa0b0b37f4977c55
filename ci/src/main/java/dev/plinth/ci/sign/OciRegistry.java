/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The few OCI distribution calls signing needs, over {@code java.net.http}: manifests and blobs by
 * digest or tag, monolithic blob upload, the referrers API. No auth (the registries the pipeline
 * talks to here are local; a registry with auth is {@code ci publish}'s business).
 */
public final class OciRegistry {

  static final String ACCEPT =
      String.join(
          ",",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  /**
   * A manifest as the registry serves it.
   *
   * @param bytes the exact bytes
   * @param mediaType Content-Type
   * @param digest sha256 of the bytes
   */
  public record Manifest(byte[] bytes, String mediaType, String digest) {}

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  /** {@code url}: {@code http://host:port} or {@code https://host}. */
  public OciRegistry(String url) {
    String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      u = "https://" + u;
    }
    this.base = URI.create(u);
  }

  /** {@code host[:port]}: what image references start with. */
  public String host() {
    return base.getAuthority();
  }

  /** The manifest at {@code ref} (tag or digest), if any. */
  public Optional<Manifest> manifest(String repo, String ref) throws IOException {
    HttpResponse<byte[]> r =
        send(get("/v2/" + repo + "/manifests/" + ref).header("Accept", ACCEPT).build());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    ok(r, "GET manifest " + repo + ":" + ref);
    return Optional.of(
        new Manifest(
            r.body(), r.headers().firstValue("Content-Type").orElse(""), Bundles.digest(r.body())));
  }

  /** The blob {@code digest}; its digest is checked. */
  public byte[] blob(String repo, String digest) throws IOException {
    HttpResponse<byte[]> r = send(get("/v2/" + repo + "/blobs/" + digest).build());
    ok(r, "GET blob " + repo + "@" + digest);
    if (!Bundles.digest(r.body()).equals(digest)) {
      throw new IOException("blob " + repo + "@" + digest + " has another digest");
    }
    return r.body();
  }

  /** Uploads a blob unless the registry has it; returns its digest. */
  public String pushBlob(String repo, byte[] data) throws IOException {
    String digest = Bundles.digest(data);
    HttpResponse<byte[]> head =
        send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    if (head.statusCode() == 200) {
      return digest;
    }
    HttpResponse<byte[]> start =
        send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    ok(start, "POST blob upload " + repo);
    String location =
        start
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new IOException("no upload Location"));
    URI loc = base.resolve(location);
    String sep = loc.getQuery() == null ? "?" : "&";
    HttpResponse<byte[]> put =
        send(
            HttpRequest.newBuilder(URI.create(loc + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                .build());
    ok(put, "PUT blob " + repo + "@" + digest);
    return digest;
  }

  /** PUTs a manifest under {@code ref}; returns its digest. */
  public String pushManifest(String repo, String ref, byte[] bytes, String mediaType)
      throws IOException {
    HttpResponse<byte[]> r =
        send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/" + ref))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build());
    ok(r, "PUT manifest " + repo + ":" + ref);
    return Bundles.digest(bytes);
  }

  /** The referrers API's index for {@code digest}, empty when the registry has no such API. */
  public Optional<byte[]> referrersApi(String repo, String digest) throws IOException {
    HttpResponse<byte[]> r =
        send(
            get("/v2/" + repo + "/referrers/" + digest)
                .header("Accept", "application/vnd.oci.image.index.v1+json")
                .build());
    if (r.statusCode() == 200
        && r.headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("application/vnd.oci.image.index.v1+json")) {
      return Optional.of(r.body());
    }
    return Optional.empty();
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET();
  }

  private HttpResponse<byte[]> send(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void ok(HttpResponse<byte[]> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
      throw new IOException(
          what
              + ": HTTP "
              + r.statusCode()
              + " "
              + body.substring(0, Math.min(300, body.length())).strip());
    }
  }
}
