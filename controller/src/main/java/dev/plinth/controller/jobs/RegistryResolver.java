/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.recipes.model.ImageRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pins image references to digests by asking an OCI registry ({@code HEAD
 * /v2/<repo>/manifests/<tag>}, the {@code Docker-Content-Digest} header): the embedded one at
 * {@code /v2} or an external one.
 */
public final class RegistryResolver implements ReferenceResolver {

  private static final String ACCEPT =
      String.join(
          ",",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private final HttpClient.Builder httpBuilder;
  private final ReentrantLock httpLock = new ReentrantLock();
  private volatile HttpClient http;
  private final String base;
  private final String authorization;

  /**
   * @param base the registry's base URL ({@code http://127.0.0.1:8080})
   * @param password sent as HTTP Basic password (user {@code plinth}), or null
   */
  public RegistryResolver(String base, String password) {
    this(base, password, null);
  }

  /**
   * @param tls trusts the controller's own certificate when the API is served over TLS, or null for
   *     the JDK's default trust
   */
  public RegistryResolver(String base, String password, javax.net.ssl.SSLContext tls) {
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      hb.sslContext(tls);
    }
    // Built at the first resolve: a JDK HttpClient initializes TLS (the default SSLContext and
    // its trust store) when built, about a tenth of a second of CPU that start-up need not pay.
    this.httpBuilder = hb;
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.authorization =
        password == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(("plinth:" + password).getBytes(StandardCharsets.UTF_8));
  }

  private HttpClient http() {
    HttpClient h = http;
    if (h == null) {
      httpLock.lock();
      try {
        h = http;
        if (h == null) {
          h = httpBuilder.build();
          http = h;
        }
      } finally {
        httpLock.unlock();
      }
    }
    return h;
  }

  @Override
  public Optional<String> resolve(ImageRef ref) {
    String reference = ref.digest() != null ? ref.digest() : ref.tag();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(base + "/v2/" + ref.repository() + "/manifests/" + reference))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .header("Accept", ACCEPT);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      HttpResponse<Void> r = http().send(b.build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) {
        return r.headers().firstValue("Docker-Content-Digest");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
