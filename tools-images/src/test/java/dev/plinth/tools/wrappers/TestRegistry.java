/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test OCI registry (simulation, for the wrappers' tests): the few {@code /v2} GETs the tools
 * make, blob {@code Range} requests, a 307 redirect of blobs to a data path, the Bearer token flow
 * (when {@link #requireAuth}), and a fault: {@link #dropOnceAfter} cuts the next blob response
 * after N bytes.
 */
final class TestRegistry implements AutoCloseable {
  static final String USER = "job-test";
  static final String PASSWORD = "token-secret";
  private static final String TOKEN = "bearer-abc";

  private final HttpServer server;
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final AtomicLong dropAfter = new AtomicLong(-1);
  final List<String> requests = new CopyOnWriteArrayList<>();
  volatile boolean requireAuth;

  TestRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Pushes a single-layer artifact; returns the manifest's digest. */
  String push(String repo, String tag, String mediaType, byte[] payload, String title) {
    String d = sha256(payload);
    blobs.put(d, payload);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    blobs.put(sha256(config), config);
    String m =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
        "artifactType":"application/vnd.plinth.test","config":{"mediaType":\
        "application/vnd.oci.empty.v1+json","digest":"%s","size":2},"layers":[{"mediaType":"%s",\
        "digest":"%s","size":%d,"annotations":{"org.opencontainers.image.title":"%s"}}],\
        "annotations":{"dev.plinth.ci-only":"true"}}"""
            .formatted(sha256(config), mediaType, d, payload.length, title);
    byte[] mb = m.getBytes(StandardCharsets.UTF_8);
    String md = sha256(mb);
    manifests.put(repo + ":" + tag, mb);
    manifests.put(repo + ":" + md, mb);
    return md;
  }

  void dropOnceAfter(long bytes) {
    dropAfter.set(bytes);
  }

  long rangeRequests() {
    return requests.stream()
        .filter(r -> r.startsWith("GET /data/") && r.contains("Range: bytes="))
        .count();
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String range = x.getRequestHeaders().getFirst("Range");
    requests.add(x.getRequestMethod() + " " + path + (range == null ? "" : " Range: " + range));
    try (x) {
      if (path.equals("/token")) {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String want =
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        if (!want.equals(auth)) {
          send(x, 401, "{}".getBytes(StandardCharsets.UTF_8));
        } else {
          send(x, 200, ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      if (requireAuth
          && path.startsWith("/v2/")
          && !("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
        x.getResponseHeaders()
            .add(
                "WWW-Authenticate",
                "Bearer realm=\"http://" + host() + "/token\",service=\"test\",scope=\"pull\"");
        send(x, 401, "{}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      int m = path.indexOf("/manifests/");
      int b = path.indexOf("/blobs/");
      if (path.startsWith("/v2/") && m > 0) {
        byte[] body = manifests.get(path.substring(4, m) + ":" + path.substring(m + 11));
        if (body == null) {
          send(x, 404, "{}".getBytes(StandardCharsets.UTF_8));
          return;
        }
        x.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        send(x, 200, body);
      } else if (path.startsWith("/v2/") && b > 0) {
        // the data plane lives elsewhere: redirect, as a registry with object storage does
        x.getResponseHeaders().add("Location", "/data/" + path.substring(b + 7));
        x.sendResponseHeaders(307, -1);
      } else if (path.startsWith("/data/")) {
        byte[] body = blobs.get(path.substring(6));
        if (body == null) {
          send(x, 404, new byte[0]);
          return;
        }
        long from = 0;
        if (range != null && range.startsWith("bytes=")) {
          from = Long.parseLong(range.substring(6, range.indexOf('-')));
          x.getResponseHeaders()
              .add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        int len = (int) (body.length - from);
        x.sendResponseHeaders(range != null ? 206 : 200, len);
        OutputStream os = x.getResponseBody();
        long cut = dropAfter.getAndSet(-1);
        if (cut >= 0 && cut < len) {
          os.write(body, (int) from, (int) cut);
          os.flush();
          // cut the connection mid-body, as a dropped network path does
          throw new IOException("test registry: connection dropped after " + cut + " bytes");
        }
        os.write(body, (int) from, len);
      } else {
        send(x, 404, new byte[0]);
      }
    }
  }

  private static void send(HttpExchange x, int code, byte[] body) throws IOException {
    x.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      x.getResponseBody().write(body);
    }
  }

  /** A containers-auth.json for this registry. */
  String authJson() {
    return "{\"auths\":{\""
        + host()
        + "\":{\"auth\":\""
        + Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8))
        + "\"}}}";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
