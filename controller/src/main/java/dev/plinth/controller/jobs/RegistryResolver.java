/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.recipes.model.ImageRef;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pins image references to digests by asking an OCI registry ({@code HEAD
 * /v2/<repo>/manifests/<tag>}, the {@code Docker-Content-Digest} header): the embedded one at
 * {@code /v2}, or an external one (Harbor, zot, distribution; {@code registry.url}). It sends HTTP
 * Basic credentials and, when the registry answers {@code 401} with a {@code Bearer} challenge (a
 * token service: Harbor, distribution with token auth), fetches a pull token for the repository
 * with them and asks again. A 404 is "no such repository, tag or digest" (empty); every other
 * failure (unreachable, credentials refused, pull denied, a server error) is a {@link
 * RegistryException} whose message says what to check: it is not the recipe's fault.
 */
public final class RegistryResolver implements ReferenceResolver {

  /** The registry could not say: unreachable, credentials refused, access denied, or it failed. */
  public static final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
      super(message);
    }

    public RegistryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final String ACCEPT =
      String.join(
          ",",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient.Builder httpBuilder;
  private final ReentrantLock httpLock = new ReentrantLock();
  private volatile HttpClient http;
  private final String base;
  private final String user;
  private final String basic;
  private final String hint;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

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
    this(base, "plinth", password, tls, "the controller's admin token");
  }

  /**
   * @param user the HTTP Basic user (an external registry's pull account)
   * @param password its password, or null for none (anonymous)
   * @param tls the trust for the registry's certificate, or null for the JDK's default trust
   * @param hint where the credentials come from, for error messages ({@code registry.username and
   *     registry.passwordFile})
   */
  public RegistryResolver(
      String base, String user, String password, javax.net.ssl.SSLContext tls, String hint) {
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      hb.sslContext(tls);
    }
    // Built at the first resolve: a JDK HttpClient initializes TLS (the default SSLContext and
    // its trust store) when built, about a tenth of a second of CPU that start-up need not pay.
    this.httpBuilder = hb;
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.user = user;
    this.hint = hint;
    this.basic =
        password == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
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

  /**
   * {@inheritDoc}
   *
   * @throws RegistryException when the registry cannot answer (not for a missing tag or digest)
   */
  @Override
  public Optional<String> resolve(ImageRef ref) {
    String reference = ref.digest() != null ? ref.digest() : ref.tag();
    URI uri = URI.create(base + "/v2/" + ref.repository() + "/manifests/" + reference);
    String what = "HEAD " + uri;
    try {
      HttpResponse<Void> r = head(uri, tokens.getOrDefault(ref.repository(), basic));
      String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
      if (r.statusCode() == 401 && challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
        String token = token(challenge, ref.repository());
        tokens.put(ref.repository(), token);
        r = head(uri, token);
      }
      return switch (r.statusCode()) {
        case 200 ->
            Optional.of(
                r.headers()
                    .firstValue("Docker-Content-Digest")
                    .orElseThrow(
                        () ->
                            new RegistryException(
                                what + ": the answer has no Docker-Content-Digest header")));
        case 404 -> Optional.empty();
        case 401 -> throw refused(r.statusCode());
        case 403 ->
            throw new RegistryException(
                "the registry "
                    + base
                    + " denies user '"
                    + user
                    + "' pulls from "
                    + ref.repository()
                    + " (HTTP 403): give the account pull access to that repository");
        default ->
            throw new RegistryException(
                what + ": the registry answered HTTP " + r.statusCode() + " (try again later)");
      };
    } catch (IOException e) {
      throw new RegistryException(
          "the registry "
              + base
              + " cannot be reached ("
              + e
              + "): is it up, and is the URL right?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while asking the registry " + base, e);
    }
  }

  private RegistryException refused(int status) {
    return new RegistryException(
        "the registry "
            + base
            + (basic == null
                ? " needs credentials"
                : " refused the credentials of user '" + user + "'")
            + " (HTTP "
            + status
            + "): check "
            + hint);
  }

  private HttpResponse<Void> head(URI uri, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .header("Accept", ACCEPT);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http().send(b.build(), HttpResponse.BodyHandlers.discarding());
  }

  /** The bearer token flow of the distribution spec: GET realm?service=&scope=, with Basic. */
  private String token(String challenge, String repository)
      throws IOException, InterruptedException {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new RegistryException(
          "the registry " + base + " sent a Bearer challenge without realm");
    }
    StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
    if (params.containsKey("service")) {
      q.append("service=").append(enc(params.get("service"))).append('&');
    }
    q.append("scope=").append(enc("repository:" + repository + ":pull"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(q.toString())).timeout(Duration.ofSeconds(10)).GET();
    if (basic != null) {
      b.header("Authorization", basic);
    }
    HttpResponse<String> r = http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw refused(r.statusCode());
    }
    if (r.statusCode() != 200) {
      throw new RegistryException(
          "the registry's token service " + realm + " answered HTTP " + r.statusCode());
    }
    JsonNode body = JSON.readTree(r.body());
    String token = body.path("token").asText(body.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new RegistryException("the registry's token service " + realm + " sent no token");
    }
    return "Bearer " + token;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
