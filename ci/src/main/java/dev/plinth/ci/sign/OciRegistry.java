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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The few OCI distribution calls signing needs, over {@code java.net.http}: manifests and blobs by
 * digest or tag, monolithic blob upload, the referrers API. Credentials come from a
 * containers-auth.json file (podman's and skopeo's format: {@code auths.HOST.auth} = base64
 * user:password) and answer the registry's challenge: Basic, or a Bearer token fetched from the
 * realm it names (docker-registry token auth, the controller's embedded registry).
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

  private final String basic;
  private final java.util.Map<String, String> tokens =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code url}: {@code http://host:port} or {@code https://host}; anonymous. */
  public OciRegistry(String url) {
    this(url, (String) null);
  }

  /**
   * {@code url} with the credentials for its host in {@code authFile} (containers-auth.json; null
   * or absent: anonymous).
   */
  public OciRegistry(String url, Path authFile) throws IOException {
    this(url, basicFrom(url, authFile));
  }

  private OciRegistry(String url, String basic) {
    this.basic = basic;
    String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      u = "https://" + u;
    }
    this.base = URI.create(u);
  }

  /**
   * The registry at {@code url} with credentials, first found wins: {@code authFile}
   * (containers-auth.json), {@code user} with {@code passwordFile}, {@code $REGISTRY_AUTH_FILE},
   * {@code $CI_REGISTRY_USERNAME} with {@code $CI_REGISTRY_PASSWORD} (what {@code ci publish}
   * reads); anonymous when none is given.
   */
  public static OciRegistry open(String url, Path authFile, String user, Path passwordFile)
      throws IOException {
    if (authFile != null) {
      return new OciRegistry(url, authFile);
    }
    if (user != null && passwordFile != null) {
      return new OciRegistry(url, basic(user, Files.readString(passwordFile).strip()));
    }
    String env = System.getenv("REGISTRY_AUTH_FILE");
    if (env != null && !env.isBlank()) {
      return new OciRegistry(url, Path.of(env));
    }
    String u = System.getenv("CI_REGISTRY_USERNAME");
    String pw = System.getenv("CI_REGISTRY_PASSWORD");
    if (u != null && pw != null) {
      return new OciRegistry(url, basic(u, pw));
    }
    return new OciRegistry(url);
  }

  private static String basic(String user, String password) {
    return java.util.Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String basicFrom(String url, Path authFile) throws IOException {
    if (authFile == null || !Files.isRegularFile(authFile)) {
      return null;
    }
    String host = URI.create(url.contains("://") ? url : "https://" + url).getAuthority();
    var auths = Bundles.JSON.readTree(authFile.toFile()).path("auths");
    String auth = auths.path(host).path("auth").asText("");
    return auth.isEmpty() ? null : auth;
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
    String repo = repoOf(req.uri().getPath());
    HttpResponse<byte[]> r = raw(authorized(req, repo));
    if (r.statusCode() != 401) {
      return r;
    }
    String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
    if (challenge.regionMatches(true, 0, "Basic", 0, 5) && basic != null) {
      tokens.put(repo, "Basic " + basic);
    } else if (challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
      tokens.put(repo, "Bearer " + token(challenge, repo));
    } else {
      return r;
    }
    return raw(authorized(req, repo));
  }

  private HttpRequest authorized(HttpRequest req, String repo) {
    String auth = tokens.get(repo);
    if (auth == null) {
      return req;
    }
    return HttpRequest.newBuilder(req, (k, v) -> true).header("Authorization", auth).build();
  }

  /** A Bearer token for pull and push on {@code repo} from the challenge's realm. */
  private String token(String challenge, String repo) throws IOException {
    java.util.Map<String, String> params = new java.util.HashMap<>();
    var m = java.util.regex.Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new IOException("registry challenge without a realm: " + challenge);
    }
    StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (params.containsKey("service")) {
      q.append("service=")
          .append(
              java.net.URLEncoder.encode(
                  params.get("service"), java.nio.charset.StandardCharsets.UTF_8))
          .append('&');
    }
    q.append("scope=")
        .append(
            java.net.URLEncoder.encode(
                "repository:" + repo + ":pull,push", java.nio.charset.StandardCharsets.UTF_8));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(q.toString())).timeout(Duration.ofSeconds(30)).GET();
    if (basic != null) {
      b.header("Authorization", "Basic " + basic);
    }
    HttpResponse<byte[]> r = raw(b.build());
    ok(r, "GET token " + realm);
    var json = Bundles.JSON.readTree(r.body());
    String t = json.path("token").asText(json.path("access_token").asText(""));
    if (t.isEmpty()) {
      throw new IOException("token endpoint " + realm + " returned no token");
    }
    return t;
  }

  private static String repoOf(String path) {
    var m =
        java.util.regex.Pattern.compile("^/v2/(.+?)/(manifests|blobs|referrers|tags)/.*")
            .matcher(path);
    return m.matches() ? m.group(1) : "";
  }

  private HttpResponse<byte[]> raw(HttpRequest req) throws IOException {
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
