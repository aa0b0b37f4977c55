/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small OCI distribution-spec client on {@code java.net.http}: what publishing, promotion and
 * retention need (blobs, manifests, tags, catalog, referrers, delete). Basic auth, and the bearer
 * token flow when the registry answers 401 with {@code WWW-Authenticate: Bearer}.
 */
public final class RegistryClient {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Every manifest media type this client asks for. */
  static final String ACCEPT =
      String.join(
          ",",
          Oci.INDEX,
          Oci.MANIFEST,
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final URI base;
  private final String basic;
  private final HttpClient http;
  private final Map<String, String> tokens = new HashMap<>();

  /** A manifest as stored: its bytes, media type and digest. */
  public record Manifest(byte[] bytes, String mediaType, String digest) {
    /** The parsed JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * @param base {@code http://host:port} or {@code https://host:port}
   * @param username optional user for Basic auth (null: anonymous)
   * @param password its password or token
   */
  public RegistryClient(URI base, String username, String password) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.basic =
        username == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (username + ":" + (password == null ? "" : password))
                            .getBytes(StandardCharsets.UTF_8));
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** {@code host:port} of the registry, as image references name it. */
  public String host() {
    return base.getAuthority();
  }

  public URI base() {
    return base;
  }

  /** Whether the registry answers {@code /v2/} (after authenticating). */
  public boolean ping() {
    try {
      return send(get("/v2/"), null, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  public boolean blobExists(String repo, String digest) throws IOException {
    var r =
        send(
            req("/v2/" + repo + "/blobs/" + digest)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            repo,
            HttpResponse.BodyHandlers.discarding());
    return r.statusCode() == 200;
  }

  /** Streams a blob; the caller closes the stream. */
  public InputStream blob(String repo, String digest) throws IOException {
    var r =
        send(
            get("/v2/" + repo + "/blobs/" + digest),
            repo,
            HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      r.body().close();
      throw new IOException("GET blob " + repo + "@" + digest + ": HTTP " + r.statusCode());
    }
    return r.body();
  }

  /** Uploads a blob monolithically unless the repository has it already. */
  public void pushBlob(String repo, String digest, long size, Supplier<InputStream> content)
      throws IOException {
    if (blobExists(repo, digest)) {
      return;
    }
    var start =
        send(
            req("/v2/" + repo + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()),
            repo,
            HttpResponse.BodyHandlers.ofString());
    if (start.statusCode() != 202) {
      throw new IOException(
          "start upload to " + repo + ": HTTP " + start.statusCode() + " " + start.body());
    }
    String location =
        start
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new IOException("upload to " + repo + ": no Location"));
    URI loc = base.resolve(location);
    String sep = loc.toString().contains("?") ? "&" : "?";
    URI put = URI.create(loc + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    var r =
        send(
            HttpRequest.newBuilder(put)
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/octet-stream")
                .PUT(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(content), size)),
            repo,
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException(
          "upload " + digest + " to " + repo + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  /** The manifest at a tag or digest, if there is one. */
  public Optional<Manifest> manifest(String repo, String reference) throws IOException {
    var r =
        send(
            get("/v2/" + repo + "/manifests/" + reference).header("Accept", ACCEPT),
            repo,
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new IOException("GET manifest " + repo + ":" + reference + ": HTTP " + r.statusCode());
    }
    String type = r.headers().firstValue("Content-Type").orElse(Oci.MANIFEST);
    int semi = type.indexOf(';');
    if (semi > 0) {
      type = type.substring(0, semi).strip();
    }
    return Optional.of(new Manifest(r.body(), type, Oci.sha256(r.body())));
  }

  /**
   * Puts a manifest at a tag or its digest.
   *
   * @return whether the registry answered with {@code OCI-Subject} (it keeps referrers itself)
   */
  public boolean putManifest(String repo, String reference, byte[] bytes, String mediaType)
      throws IOException {
    var r =
        send(
            req("/v2/" + repo + "/manifests/" + reference)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
            repo,
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException(
          "PUT manifest " + repo + ":" + reference + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.headers().firstValue("OCI-Subject").isPresent();
  }

  /** Deletes a manifest by digest (with every tag pointing at it). */
  public void deleteManifest(String repo, String digest) throws IOException {
    var r =
        send(
            req("/v2/" + repo + "/manifests/" + digest).DELETE(),
            repo,
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202 && r.statusCode() != 404) {
      throw new IOException(
          "DELETE " + repo + "@" + digest + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  /** Every tag of a repository (empty when the repository is unknown). */
  public List<String> tags(String repo) throws IOException {
    return paged("/v2/" + repo + "/tags/list?n=1000", repo, "tags");
  }

  /** Every repository the caller may see. */
  public List<String> catalog() throws IOException {
    return paged("/v2/_catalog?n=1000", "*catalog*", "repositories");
  }

  /**
   * The referrers API's index for a digest, or empty when the registry has no referrers API (404 or
   * not an index).
   */
  public Optional<JsonNode> referrersApi(String repo, String digest) throws IOException {
    var r =
        send(
            get("/v2/" + repo + "/referrers/" + digest).header("Accept", Oci.INDEX),
            repo,
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(r.body());
    return n.has("manifests") ? Optional.of(n) : Optional.empty();
  }

  private List<String> paged(String first, String repo, String field) throws IOException {
    List<String> all = new ArrayList<>();
    String path = first;
    while (path != null) {
      var r = send(get(path), repo, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 404) {
        return all;
      }
      if (r.statusCode() != 200) {
        throw new IOException("GET " + path + ": HTTP " + r.statusCode());
      }
      JsonNode n = JSON.readTree(r.body());
      n.path(field).forEach(t -> all.add(t.asText()));
      path = null;
      Optional<String> link = r.headers().firstValue("Link");
      if (link.isPresent()) {
        Matcher m = Pattern.compile("<([^>]+)>").matcher(link.get());
        if (m.find()) {
          URI next = URI.create(m.group(1));
          path = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
        }
      }
    }
    return all;
  }

  private HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5));
  }

  private HttpRequest.Builder get(String path) {
    return req(path).GET();
  }

  /**
   * Sends with the current credentials; on a 401 authenticates as challenged and tries once more.
   */
  private <T> HttpResponse<T> send(
      HttpRequest.Builder b, String repo, HttpResponse.BodyHandler<T> handler) throws IOException {
    String auth = repo == null ? null : tokens.get(repo);
    if (auth == null) {
      auth = tokens.getOrDefault("", basic);
    }
    HttpRequest first = (auth == null ? b.copy() : b.copy().header("Authorization", auth)).build();
    HttpResponse<T> r = exchange(first, handler);
    if (r.statusCode() != 401) {
      return r;
    }
    String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
    if (r.body() instanceof InputStream in) {
      in.close();
    }
    String fresh = authenticate(challenge, repo);
    if (fresh == null) {
      return r;
    }
    tokens.put(repo == null ? "" : repo, fresh);
    return exchange(b.copy().header("Authorization", fresh).build(), handler);
  }

  private String authenticate(String challenge, String repo) throws IOException {
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      return basic;
    }
    if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
      return null;
    }
    Map<String, String> p = new HashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      p.put(m.group(1), m.group(2));
    }
    StringBuilder url = new StringBuilder(p.getOrDefault("realm", base + "/v2/token"));
    url.append(url.indexOf("?") < 0 ? '?' : '&');
    url.append("service=")
        .append(URLEncoder.encode(p.getOrDefault("service", ""), StandardCharsets.UTF_8));
    String scope = p.get("scope");
    if (repo != null && !repo.startsWith("*")) {
      scope = "repository:" + repo + ":pull,push,delete";
    }
    if (scope != null) {
      url.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }
    HttpRequest.Builder t = HttpRequest.newBuilder(URI.create(url.toString())).GET();
    if (basic != null) {
      t.header("Authorization", basic);
    }
    HttpResponse<byte[]> r = exchange(t.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("token from " + url + ": HTTP " + r.statusCode());
    }
    JsonNode n = JSON.readTree(r.body());
    String token =
        n.hasNonNull("token") ? n.get("token").asText() : n.path("access_token").asText();
    return "Bearer " + token;
  }

  private <T> HttpResponse<T> exchange(HttpRequest r, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(r, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
