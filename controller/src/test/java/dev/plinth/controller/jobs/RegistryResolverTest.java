/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.plinth.recipes.model.ImageRef;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resolver against a hand-written registry with a token service (as Harbor and distribution
 * with token auth answer): the Bearer flow, and the errors that are not "no such tag". Basic auth
 * against a real registry is in {@code ExternalRegistryIT}.
 */
class RegistryResolverTest {

  private static final String DIGEST = "sha256:" + "d".repeat(64);
  private static final String ROBOT = "robot$pull";
  private static final String PASSWORD = "s3cret";

  private HttpServer server;
  private String base;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private volatile int status = 200;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/v2/", this::manifest);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void token(HttpExchange x) throws IOException {
    String auth = x.getRequestHeaders().getFirst("Authorization");
    seen.add("token " + x.getRequestURI().getQuery());
    String good =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((ROBOT + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    if (!good.equals(auth)) {
      reply(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
      return;
    }
    reply(x, 200, "{\"token\":\"tok-1\"}");
  }

  private void manifest(HttpExchange x) throws IOException {
    String auth = x.getRequestHeaders().getFirst("Authorization");
    seen.add(x.getRequestMethod() + " " + x.getRequestURI().getPath() + " " + auth);
    if (!"Bearer tok-1".equals(auth)) {
      x.getResponseHeaders()
          .add(
              "WWW-Authenticate",
              "Bearer realm=\""
                  + base
                  + "/token\",service=\"harbor-registry\",scope=\"repository:x:pull\"");
      reply(x, 401, "");
      return;
    }
    if (x.getRequestURI().getPath().endsWith("/missing")) {
      reply(x, 404, "");
      return;
    }
    x.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
    reply(x, status, "");
  }

  private static void reply(HttpExchange x, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(
        code, "HEAD".equals(x.getRequestMethod()) || b.length == 0 ? -1 : b.length);
    if (!"HEAD".equals(x.getRequestMethod()) && b.length > 0) {
      x.getResponseBody().write(b);
    }
    x.close();
  }

  private RegistryResolver resolver(String password) {
    return new RegistryResolver(base, ROBOT, password, null, "registry.username/passwordFile");
  }

  @Test
  void aBearerChallengeIsAnsweredWithAPullTokenForTheRepositoryWhichIsKept() {
    RegistryResolver r = resolver(PASSWORD);
    assertThat(r.resolve(ImageRef.parse("plinth/tools/sgdisk:1"))).contains(DIGEST);
    assertThat(r.resolve(ImageRef.parse("plinth/tools/sgdisk:2"))).contains(DIGEST);
    assertThat(seen)
        .containsExactly(
            "HEAD /v2/plinth/tools/sgdisk/manifests/1 Basic "
                + Base64.getEncoder()
                    .encodeToString((ROBOT + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
            "token service=harbor-registry&scope=repository:plinth/tools/sgdisk:pull",
            "HEAD /v2/plinth/tools/sgdisk/manifests/1 Bearer tok-1",
            "HEAD /v2/plinth/tools/sgdisk/manifests/2 Bearer tok-1");
  }

  @Test
  void aMissingTagIsEmptyNotAnError() {
    assertThat(resolver(PASSWORD).resolve(ImageRef.parse("plinth/tools/x:missing"))).isEmpty();
  }

  @Test
  void refusedCredentialsSayWhichUserAndWhatToCheck() {
    var e =
        assertThrows(
            RegistryResolver.RegistryException.class,
            () -> resolver("wrong").resolve(ImageRef.parse("plinth/tools/sgdisk:1")));
    assertThat(e.getMessage())
        .isEqualTo(
            "the registry "
                + base
                + " refused the credentials of user 'robot$pull' (HTTP 401): check"
                + " registry.username/passwordFile");
  }

  @Test
  void serverErrorsAndAnUnreachableRegistryAreErrorsNotMissingTags() {
    status = 503;
    var e =
        assertThrows(
            RegistryResolver.RegistryException.class,
            () -> resolver(PASSWORD).resolve(ImageRef.parse("plinth/tools/sgdisk:1")));
    assertThat(e.getMessage()).contains("answered HTTP 503");
    server.stop(0);
    var down =
        assertThrows(
            RegistryResolver.RegistryException.class,
            () -> resolver(PASSWORD).resolve(ImageRef.parse("plinth/tools/sgdisk:1")));
    assertThat(down.getMessage()).contains("cannot be reached");
  }
}
