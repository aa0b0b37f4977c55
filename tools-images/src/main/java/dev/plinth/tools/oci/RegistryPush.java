/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Pushes an OCI layout to a /v2 registry with the JDK HTTP client: every blob (skipped if the
 * registry has it), every manifest by digest, then each index under its tags. Manifests are sent as
 * their exact bytes, so digests in the registry are those of the layout. Auth: HTTP Basic; when the
 * registry answers 401 with a Bearer challenge, a token is fetched from its realm with the same
 * credentials (the distribution token flow).
 */
public final class RegistryPush {
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private final URI base;
  private final String basic;
  private final HttpClient http;
  private final Map<String, String> tokens = new HashMap<>();

  /**
   * @param registry {@code https://host:port} or {@code http://host:port} (no scheme: https)
   * @param insecure trust any TLS certificate (test registries with self-signed certificates)
   */
  public RegistryPush(String registry, String username, String password, boolean insecure)
      throws GeneralSecurityException {
    String r = registry.contains("://") ? registry : "https://" + registry;
    this.base = URI.create(r.endsWith("/") ? r : r + "/");
    this.basic =
        username == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (username + ":" + (password == null ? "" : password))
                            .getBytes(StandardCharsets.UTF_8));
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NEVER);
    if (insecure) {
      System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      b.sslContext(ctx);
    }
    this.http = b.build();
  }

  /** Pushes every tagged image of the layout; returns {@code repo:tag} for each. */
  public List<String> pushLayout(Path dir) throws IOException, InterruptedException {
    OciLayout layout = OciLayout.open(dir);
    Map<String, List<String[]>> byTarget = new LinkedHashMap<>();
    for (JsonNode e : layout.index().path("manifests")) {
      String ref = e.path("annotations").path(OciJson.REF_NAME).asText("");
      int colon = ref.lastIndexOf(':');
      if (colon <= ref.lastIndexOf('/')) {
        throw new IOException("index.json entry without repo:tag ref.name: " + e);
      }
      byTarget
          .computeIfAbsent(e.path("digest").asText(), k -> new ArrayList<>())
          .add(new String[] {ref.substring(0, colon), ref.substring(colon + 1)});
    }
    List<String> out = new ArrayList<>();
    for (var t : byTarget.entrySet()) {
      for (String[] rt : t.getValue()) {
        String mediaType = pushTree(layout, rt[0], t.getKey());
        putManifest(rt[0], rt[1], mediaType, Files.readAllBytes(layout.blob(t.getKey())));
        out.add(rt[0] + ":" + rt[1]);
      }
    }
    return out;
  }

  /** Pushes the children and blobs of a manifest or index (not itself); returns its media type. */
  private String pushTree(OciLayout layout, String repo, String digest)
      throws IOException, InterruptedException {
    JsonNode doc = layout.json(digest);
    if (doc.has("manifests")) {
      for (JsonNode m : doc.path("manifests")) {
        String d = m.path("digest").asText();
        String type = pushTree(layout, repo, d);
        putManifest(repo, d, type, Files.readAllBytes(layout.blob(d)));
      }
      return doc.path("mediaType").asText(OciJson.INDEX);
    }
    pushBlob(layout, repo, doc.path("config").path("digest").asText());
    for (JsonNode l : doc.path("layers")) {
      pushBlob(layout, repo, l.path("digest").asText());
    }
    return doc.path("mediaType").asText(OciJson.MANIFEST);
  }

  private void pushBlob(OciLayout layout, String repo, String digest)
      throws IOException, InterruptedException {
    URI blob = base.resolve("v2/" + repo + "/blobs/" + digest);
    HttpResponse<Void> head =
        send(repo, () -> HttpRequest.newBuilder(blob).method("HEAD", noBody()), discard());
    if (head.statusCode() == 200) {
      return;
    }
    HttpResponse<Void> start =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(base.resolve("v2/" + repo + "/blobs/uploads/"))
                    .POST(noBody()),
            discard());
    check(start, 202, "start upload of " + digest + " to " + repo);
    URI loc = base.resolve(start.headers().firstValue("Location").orElseThrow());
    String sep = loc.getQuery() == null ? "?" : "&";
    URI put = URI.create(loc + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    Path file = layout.blob(digest);
    HttpResponse<Void> done =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(put)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(ofFile(file)),
            discard());
    check(done, 201, "upload of " + digest + " to " + repo);
  }

  private void putManifest(String repo, String ref, String mediaType, byte[] bytes)
      throws IOException, InterruptedException {
    URI uri = base.resolve("v2/" + repo + "/manifests/" + ref);
    HttpResponse<Void> r =
        send(
            repo,
            () ->
                HttpRequest.newBuilder(uri)
                    .header("Content-Type", mediaType)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
            discard());
    check(r, 201, "PUT manifest " + repo + ":" + ref);
  }

  private HttpResponse<Void> send(
      String repo, Supplier<HttpRequest.Builder> req, HttpResponse.BodyHandler<Void> handler)
      throws IOException, InterruptedException {
    String auth = tokens.containsKey(repo) ? "Bearer " + tokens.get(repo) : basic;
    HttpResponse<Void> r = http.send(withAuth(req.get(), auth).build(), handler);
    if (r.statusCode() == 401) {
      Optional<String> challenge = r.headers().firstValue("WWW-Authenticate");
      if (challenge.isPresent() && challenge.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
        tokens.put(repo, token(challenge.get(), repo));
        r = http.send(withAuth(req.get(), "Bearer " + tokens.get(repo)).build(), handler);
      }
    }
    return r;
  }

  private static HttpRequest.Builder withAuth(HttpRequest.Builder b, String auth) {
    return auth == null ? b : b.header("Authorization", auth);
  }

  private String token(String challenge, String repo) throws IOException, InterruptedException {
    Map<String, String> p = new HashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      p.put(m.group(1), m.group(2));
    }
    String scope = p.getOrDefault("scope", "repository:" + repo + ":pull,push");
    StringBuilder q = new StringBuilder(p.get("realm")).append("?scope=").append(enc(scope));
    if (p.containsKey("service")) {
      q.append("&service=").append(enc(p.get("service")));
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(q.toString())).GET();
    HttpResponse<byte[]> r =
        http.send(withAuth(b, basic).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(
          "token request to " + p.get("realm") + " answered HTTP " + r.statusCode());
    }
    JsonNode t = OciJson.parse(r.body());
    String token = t.path("token").asText(t.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new IOException("token response from " + p.get("realm") + " has no token");
    }
    return token;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void check(HttpResponse<?> r, int want, String what) throws IOException {
    if (r.statusCode() != want && r.statusCode() / 100 != 2) {
      throw new IOException(what + ": HTTP " + r.statusCode() + " (" + r.uri() + ")");
    }
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  private static HttpRequest.BodyPublisher ofFile(Path p) {
    try {
      return HttpRequest.BodyPublishers.ofFile(p);
    } catch (java.io.FileNotFoundException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpResponse.BodyHandler<Void> discard() {
    return HttpResponse.BodyHandlers.discarding();
  }

  /** Trusts every certificate: only with --insecure. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
