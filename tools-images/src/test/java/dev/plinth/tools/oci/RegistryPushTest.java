/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes a layout to a hand-written fake /v2 registry that demands a Bearer token (fetched from its
 * realm with Basic credentials), as distribution's token auth does.
 */
class RegistryPushTest {
  private static final String TOKEN = "t0k";
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Map<String, String> types = new ConcurrentHashMap<>();
  private final AtomicInteger uploads = new AtomicInteger();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private HttpServer server;
  private String url;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    url = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/token", this::token);
    server.createContext("/v2/", this::v2);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void token(HttpExchange ex) throws IOException {
    tokenRequests.incrementAndGet();
    String want =
        "Basic "
            + Base64.getEncoder().encodeToString("job:secret".getBytes(StandardCharsets.UTF_8));
    if (!want.equals(ex.getRequestHeaders().getFirst("Authorization"))
        || !ex.getRequestURI().getQuery().contains("scope=repository:t/x:pull,push")) {
      reply(ex, 401, new byte[0]);
      return;
    }
    reply(ex, 200, ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private void v2(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    byte[] body = ex.getRequestBody().readAllBytes();
    int b = path.indexOf("/blobs/");
    int m = path.indexOf("/manifests/");
    String repo = path.substring(4, b > 0 ? b : m > 0 ? m : path.length());
    if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      ex.getResponseHeaders()
          .add(
              "WWW-Authenticate",
              "Bearer realm=\""
                  + url
                  + "/token\",service=\"fake\",scope=\"repository:"
                  + repo
                  + ":pull,push\"");
      reply(ex, 401, new byte[0]);
      return;
    }
    if (m > 0 && method.equals("PUT")) {
      String ref = path.substring(m + "/manifests/".length());
      manifests.put(repo + ":" + ref, body);
      types.put(repo + ":" + ref, ex.getRequestHeaders().getFirst("Content-Type"));
      reply(ex, 201, new byte[0]);
    } else if (path.endsWith("/blobs/uploads/") && method.equals("POST")) {
      ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/uploads/u1?state=x");
      reply(ex, 202, new byte[0]);
    } else if (path.contains("/blobs/uploads/") && method.equals("PUT")) {
      String digest = ex.getRequestURI().getQuery().replaceAll(".*digest=", "");
      if (!Digests.of(body).equals(digest)) {
        reply(ex, 400, new byte[0]);
        return;
      }
      uploads.incrementAndGet();
      blobs.put(digest, body);
      reply(ex, 201, new byte[0]);
    } else if (b > 0 && method.equals("HEAD")) {
      String digest = path.substring(b + "/blobs/".length());
      if (blobs.containsKey(digest)) {
        ex.sendResponseHeaders(200, -1);
        ex.close();
      } else {
        reply(ex, 404, new byte[0]);
      }
    } else {
      reply(ex, 405, new byte[0]);
    }
  }

  private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  @Test
  void pushesBlobsManifestsAndTagsWithTheLayoutsExactBytes(@TempDir Path tmp) throws Exception {
    OciLayout layout = MaterializerTest.image(tmp.resolve("layout"));
    RegistryPush push = new RegistryPush(url, "job", "secret", false);
    assertThat(push.pushLayout(layout.dir())).containsExactly("t/x:1");
    String index = layout.index().path("manifests").get(0).path("digest").asText();
    assertThat(manifests.get("t/x:1")).isEqualTo(Files.readAllBytes(layout.blob(index)));
    assertThat(types.get("t/x:1")).isEqualTo(OciJson.INDEX);
    String manifest = layout.json(index).path("manifests").get(0).path("digest").asText();
    assertThat(manifests.get("t/x:" + manifest))
        .isEqualTo(Files.readAllBytes(layout.blob(manifest)));
    assertThat(uploads.get()).isEqualTo(3);
    assertThat(blobs).hasSize(3);
    assertThat(tokenRequests.get()).isEqualTo(1);

    new RegistryPush(url, "job", "secret", false).pushLayout(layout.dir());
    assertThat(uploads.get()).as("blobs the registry has are skipped").isEqualTo(3);
  }

  @Test
  void wrongCredentialsFailWithTheRealm(@TempDir Path tmp) throws Exception {
    OciLayout layout = MaterializerTest.image(tmp.resolve("layout"));
    RegistryPush push = new RegistryPush(url, "job", "wrong", true);
    IOException e = assertThrows(IOException.class, () -> push.pushLayout(layout.dir()));
    assertThat(e.getMessage()).contains("/token", "401");
  }
}
