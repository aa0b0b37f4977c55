/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plinth.registry.api.Digest;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A registry on a Helidon listener at port 0, and a client for it. */
final class Harness implements AutoCloseable {

  static final String TOKEN = "plinth_test_token";

  final Registry registry;
  final WebServer server;
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  final String base;
  String auth =
      "Basic "
          + Base64.getEncoder()
              .encodeToString(("anyone:" + TOKEN).getBytes(StandardCharsets.UTF_8));

  Harness(Path root) throws IOException {
    this(root, b -> b);
  }

  Harness(Path root, UnaryOperator<Registry.Builder> customize) throws IOException {
    registry =
        customize
            .apply(
                Registry.builder()
                    .root(root)
                    .credentials((u, s) -> s.equals(TOKEN) ? Optional.of(u) : Optional.empty())
                    .anonymousPull("public/**"))
            .start();
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .useNio(false)
            .routing(r -> registry.routes().accept(r))
            .build()
            .start();
    base = "http://127.0.0.1:" + server.port();
  }

  HttpRequest.Builder req(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b;
  }

  HttpResponse<byte[]> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return send(req(path).GET());
  }

  HttpResponse<byte[]> head(String path) throws IOException, InterruptedException {
    return send(req(path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<byte[]> delete(String path) throws IOException, InterruptedException {
    return send(req(path).DELETE());
  }

  HttpResponse<byte[]> put(String path, String type, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = req(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return send(b);
  }

  HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
    return send(
        req(path)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/octet-stream"));
  }

  HttpResponse<byte[]> patch(String path, byte[] body, String contentRange)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        req(path)
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/octet-stream");
    if (contentRange != null) {
      b.header("Content-Range", contentRange);
    }
    return send(b);
  }

  /** Pushes a blob monolithically and returns its digest. */
  Digest pushBlob(String repo, byte[] content) throws IOException, InterruptedException {
    Digest d = Digest.sha256(content);
    HttpResponse<byte[]> r = post("/v2/" + repo + "/blobs/uploads/?digest=" + d, content);
    assertEquals(201, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
    return d;
  }

  /** Pushes a manifest and returns its digest. */
  Digest pushManifest(String repo, String ref, String type, String json)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        put("/v2/" + repo + "/manifests/" + ref, type, json.getBytes(StandardCharsets.UTF_8));
    assertEquals(201, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
    return Digest.parse(r.headers().firstValue("Docker-Content-Digest").orElseThrow());
  }

  /** An OCI image manifest with one config and the given layers. */
  static String imageManifest(Digest config, long configSize, Digest layer, long layerSize) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
        + config
        + "\",\"size\":"
        + configSize
        + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + layer
        + "\",\"size\":"
        + layerSize
        + "}]}";
  }

  static String body(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop();
    registry.close();
  }
}
