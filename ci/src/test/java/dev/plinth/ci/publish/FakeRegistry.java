/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test double, not a registry: an in-memory OCI distribution endpoint on the JDK's HTTP server
 * with just what the client uses (blobs, monolithic uploads, manifests by tag and digest, delete,
 * tags, catalog) and no referrers API, like docker-registry 2.8. The real registries are used by
 * RehearsalIT.
 */
final class FakeRegistry implements AutoCloseable {

  private static final Pattern PATH =
      Pattern.compile("/v2/(.+)/(blobs|manifests|tags)/(uploads/?|list|[^/]+)(?:/([^/]+))?");

  final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

  /** repo -> reference (tag or digest) -> [mediaType, bytes]. */
  final Map<String, Map<String, Object[]>> manifests = new ConcurrentHashMap<>();

  private final HttpServer server;

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v2/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      if (path.equals("/v2/")) {
        send(x, 200, "application/json", "{}".getBytes(), Map.of());
        return;
      }
      if (path.equals("/v2/_catalog")) {
        String list = String.join("\",\"", new TreeSet<>(manifests.keySet()));
        send(
            x,
            200,
            "application/json",
            ("{\"repositories\":[" + (list.isEmpty() ? "" : "\"" + list + "\"") + "]}").getBytes(),
            Map.of());
        return;
      }
      Matcher m = PATH.matcher(path);
      if (!m.matches()) {
        send(x, 404, "text/plain", new byte[0], Map.of());
        return;
      }
      String repo = m.group(1);
      String kind = m.group(2);
      String ref = m.group(3);
      byte[] body = x.getRequestBody().readAllBytes();
      switch (kind) {
        case "tags" -> {
          Map<String, Object[]> r = manifests.get(repo);
          if (r == null) {
            send(x, 404, "application/json", new byte[0], Map.of());
            return;
          }
          var tags = new ArrayList<String>();
          r.keySet().stream().filter(k -> !k.startsWith("sha256:")).sorted().forEach(tags::add);
          String list = tags.isEmpty() ? "" : "\"" + String.join("\",\"", tags) + "\"";
          send(
              x,
              200,
              "application/json",
              ("{\"name\":\"" + repo + "\",\"tags\":[" + list + "]}").getBytes(),
              Map.of());
        }
        case "blobs" -> {
          if (ref.startsWith("uploads")) {
            if (method.equals("POST")) {
              send(
                  x,
                  202,
                  "text/plain",
                  new byte[0],
                  Map.of("Location", "/v2/" + repo + "/blobs/uploads/u1"));
            } else {
              String q = x.getRequestURI().getQuery();
              String digest = q.substring(q.indexOf("digest=") + 7);
              if (!Oci.sha256(body).equals(digest)) {
                send(x, 400, "text/plain", "DIGEST_INVALID".getBytes(), Map.of());
                return;
              }
              blobs.put(digest, body);
              send(x, 201, "text/plain", new byte[0], Map.of());
            }
            return;
          }
          byte[] b = blobs.get(ref);
          if (b == null) {
            send(x, 404, "text/plain", new byte[0], Map.of());
          } else {
            send(x, 200, "application/octet-stream", method.equals("HEAD") ? null : b, Map.of());
          }
        }
        default -> {
          Map<String, Object[]> r = manifests.computeIfAbsent(repo, k -> new ConcurrentHashMap<>());
          switch (method) {
            case "PUT" -> {
              String type = x.getRequestHeaders().getFirst("Content-Type");
              Object[] v = {type, body};
              r.put(ref, v);
              r.put(Oci.sha256(body), v);
              send(
                  x,
                  201,
                  "text/plain",
                  new byte[0],
                  Map.of("Docker-Content-Digest", Oci.sha256(body)));
            }
            case "DELETE" -> {
              String d = ref;
              r.entrySet().removeIf(e -> Oci.sha256((byte[]) e.getValue()[1]).equals(d));
              send(x, 202, "text/plain", new byte[0], Map.of());
            }
            default -> {
              Object[] v = r.get(ref);
              if (v == null) {
                send(x, 404, "text/plain", new byte[0], Map.of());
              } else {
                send(x, 200, (String) v[0], (byte[]) v[1], Map.of());
              }
            }
          }
        }
      }
    }
  }

  /** Tag to digest of a repository. */
  Map<String, String> tags(String repo) {
    Map<String, String> t = new TreeMap<>();
    manifests
        .getOrDefault(repo, Map.of())
        .forEach(
            (k, v) -> {
              if (!k.startsWith("sha256:")) {
                t.put(k, Oci.sha256((byte[]) v[1]));
              }
            });
    return t;
  }

  private static void send(
      HttpExchange x, int status, String type, byte[] body, Map<String, String> headers)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    if (body == null) {
      x.getResponseHeaders().set("Content-Length", "1");
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream os = x.getResponseBody()) {
        os.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
