/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.storage.Manifest;
import dev.plinth.registry.storage.MediaTypes;
import dev.plinth.registry.transfer.Progress;
import dev.plinth.registry.transfer.Transfer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A client of the OCI distribution API ({@code /v2}) for {@code plinth registry import} and {@code
 * export}: the controller's registry (a token as the Basic password) or any OCI registry (user name
 * and password). Credentials go as Basic; a {@code Bearer realm=...} challenge is answered with the
 * token flow. Archives are the OCI image layouts of {@link Transfer}, read and written the same
 * way.
 */
final class RegistryClient {

  static final String ACCEPT =
      String.join(
          ", ",
          MediaTypes.OCI_INDEX,
          MediaTypes.OCI_MANIFEST,
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final URI base;
  private final String basic;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Map<String, String> bearers = new HashMap<>();

  /**
   * @param base the registry's base URL ({@code http://HOST:PORT})
   * @param user the user name, or null for anonymous
   * @param password the password (or API token)
   */
  RegistryClient(String base, String user, String password) {
    this.base = URI.create(base.endsWith("/") ? base : base + "/");
    this.basic =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  // ---- import ----

  /** Pushes every image of a layout (directory or tar), referrers included. */
  Transfer.ImportReport importLayout(Path source, RepositoryName into, Progress progress)
      throws IOException {
    if (Files.isDirectory(source)) {
      return importDir(source, into, progress);
    }
    Path dir = Files.createTempDirectory("plinth-import-");
    try {
      Transfer.untar(source, dir);
      return importDir(dir, into, progress);
    } finally {
      Transfer.deleteTree(dir);
    }
  }

  private Transfer.ImportReport importDir(Path dir, RepositoryName into, Progress progress)
      throws IOException {
    if (!Files.isRegularFile(dir.resolve("oci-layout"))
        || !Files.isRegularFile(dir.resolve("index.json"))) {
      throw new IOException("not an OCI image layout (no oci-layout or index.json)");
    }
    JsonNode index = ApiClient.JSON.readTree(dir.resolve("index.json").toFile());
    long total = 0;
    if (Files.isDirectory(dir.resolve("blobs"))) {
      try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
        for (Path p : s.filter(Files::isRegularFile).toList()) {
          total += Files.size(p);
        }
      }
    }
    Pusher push = new Pusher(dir, progress, total);
    List<String> out = new ArrayList<>();
    for (JsonNode entry : index.path("manifests")) {
      Transfer.Target t;
      try {
        t = Transfer.target(entry, into);
      } catch (RegistryException | IllegalArgumentException e) {
        throw new IOException(
            "index entry " + entry.path("digest").asText() + ": " + e.getMessage());
      }
      push.manifest(t.repository(), t.digest(), t.mediaType(), t.tag());
      out.add(t.toString());
    }
    return new Transfer.ImportReport(out, push.counted.size(), push.done);
  }

  /** Pushes one layout's manifests, children and blobs first; counts each blob once. */
  private final class Pusher {
    final Path dir;
    final Progress progress;
    final long total;
    final Set<String> seen = new HashSet<>();
    final Set<Digest> counted = new HashSet<>();
    long done;

    Pusher(Path dir, Progress progress, long total) {
      this.dir = dir;
      this.progress = progress;
      this.total = total;
    }

    Path file(Digest d) {
      return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    void count(Digest d, long size) {
      if (counted.add(d)) {
        done += size;
        progress.update(done, total);
      }
    }

    void manifest(RepositoryName repo, Digest d, String mediaType, String tag) throws IOException {
      if (!seen.add(repo + "#" + d + "#" + tag)) {
        return;
      }
      Path src = file(d);
      if (!Files.isRegularFile(src)) {
        throw new IOException("the layout lacks manifest " + d);
      }
      byte[] bytes = Files.readAllBytes(src);
      if (!Digest.of(d.newHasher().digest(bytes), d.algorithm()).equals(d)) {
        throw new IOException("manifest " + d + " does not match its digest");
      }
      Manifest m = Manifest.parse(bytes, mediaType);
      for (Digest c : m.children()) {
        manifest(repo, c, null, null);
      }
      for (Digest b : m.blobs()) {
        blob(repo, b);
      }
      putManifest(repo, tag != null ? tag : d.toString(), m.mediaType(), bytes);
      count(d, bytes.length);
    }

    void blob(RepositoryName repo, Digest d) throws IOException {
      if (!seen.add(repo + "@" + d)) {
        return;
      }
      Path src = file(d);
      if (!hasBlob(repo, d)) {
        if (!Files.isRegularFile(src)) {
          throw new IOException("the layout lacks blob " + d);
        }
        putBlob(repo, d, src);
      }
      count(d, Files.isRegularFile(src) ? Files.size(src) : 0);
    }
  }

  // ---- export ----

  /** A manifest as pulled: its bytes and media type. */
  record Pulled(byte[] bytes, String mediaType) {}

  /**
   * Pulls {@code references} ({@code repo:tag}, {@code repo@digest}, {@code repo} for latest) with
   * everything they reference and their referrers into a layout: a tar when {@code out} ends in
   * {@code .tar}, else a directory. Every blob is checked against its digest on the way.
   */
  Transfer.ExportReport export(List<String> references, Path out, Progress progress)
      throws IOException {
    Map<Digest, Pulled> manifests = new LinkedHashMap<>();
    Map<Digest, Blob> blobs = new LinkedHashMap<>();
    ArrayNode entries = ApiClient.JSON.createArrayNode();
    for (String ref : references) {
      String[] parts = split(ref);
      RepositoryName repo = RepositoryName.parse(parts[0]);
      Pulled top = manifest(repo, parts[1]);
      Digest d = parts[1].contains(":") ? Digest.parse(parts[1]) : Digest.sha256(top.bytes());
      manifests.put(d, top);
      collect(repo, d, top, manifests, blobs);
      entries.add(entry(d, top, repo, parts[1].contains(":") ? null : parts[1]));
      for (Digest r : referrers(repo, d, manifests, blobs)) {
        entries.add(entry(r, manifests.get(r), repo, null));
      }
    }
    long total = 0;
    for (Blob b : blobs.values()) {
      total += b.size();
    }
    for (Pulled p : manifests.values()) {
      total += p.bytes().length;
    }
    ObjectNode index = ApiClient.JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.set("manifests", entries);
    byte[] indexBytes = ApiClient.JSON.writeValueAsBytes(index);
    Writer w = new Writer(progress, total);
    if (out.getFileName().toString().endsWith(".tar")) {
      Path staged = out.resolveSibling(out.getFileName() + ".part");
      try {
        try (OutputStream os = Files.newOutputStream(staged);
            TarArchiveOutputStream tar = Transfer.tar(os)) {
          Transfer.tarBytes(tar, "oci-layout", Transfer.ociLayout());
          Transfer.tarBytes(tar, "index.json", indexBytes);
          for (var e : blobs.entrySet()) {
            Transfer.entry(tar, name(e.getKey()), e.getValue().size());
            w.blob(e.getValue().repo(), e.getKey(), e.getValue().size(), tar);
            tar.closeArchiveEntry();
          }
          for (var e : manifests.entrySet()) {
            Transfer.tarBytes(tar, name(e.getKey()), e.getValue().bytes());
            w.count(e.getValue().bytes().length);
          }
          tar.finish();
        }
        Files.move(
            staged, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(staged);
      }
    } else {
      for (var e : blobs.entrySet()) {
        Path target = out.resolve(name(e.getKey()));
        Files.createDirectories(target.getParent());
        try (OutputStream os = Files.newOutputStream(target)) {
          w.blob(e.getValue().repo(), e.getKey(), e.getValue().size(), os);
        }
      }
      for (var e : manifests.entrySet()) {
        Path target = out.resolve(name(e.getKey()));
        Files.createDirectories(target.getParent());
        Files.write(target, e.getValue().bytes());
        w.count(e.getValue().bytes().length);
      }
      Files.write(out.resolve("oci-layout"), Transfer.ociLayout());
      Files.write(out.resolve("index.json"), indexBytes);
    }
    return new Transfer.ExportReport(
        List.copyOf(references), blobs.size() + manifests.size(), total);
  }

  /** A blob to pull: from which repository, how large. */
  private record Blob(RepositoryName repo, long size) {}

  /** Writes pulled blobs and reports progress. */
  private final class Writer {
    final Progress progress;
    final long total;
    long done;

    Writer(Progress progress, long total) {
      this.progress = progress;
      this.total = total;
    }

    void blob(RepositoryName repo, Digest d, long size, OutputStream to) throws IOException {
      pullBlob(repo, d, size, to);
      count(size);
    }

    void count(long n) {
      done += n;
      progress.update(done, total);
    }
  }

  private static String name(Digest d) {
    return "blobs/" + d.algorithm() + "/" + d.hex();
  }

  /** {repository, tag or digest} of {@code repo:tag}, {@code repo@digest} or {@code repo}. */
  static String[] split(String ref) {
    int at = ref.indexOf('@');
    if (at > 0) {
      Digest.parse(ref.substring(at + 1));
      return new String[] {ref.substring(0, at), ref.substring(at + 1)};
    }
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      return new String[] {ref.substring(0, colon), ref.substring(colon + 1)};
    }
    return new String[] {ref, "latest"};
  }

  private static ObjectNode entry(Digest d, Pulled p, RepositoryName repo, String tag) {
    ObjectNode e = ApiClient.JSON.createObjectNode();
    e.put("mediaType", p.mediaType());
    e.put("digest", d.toString());
    e.put("size", p.bytes().length);
    ObjectNode ann = e.putObject("annotations");
    ann.put(Transfer.REPOSITORY, repo.value());
    if (tag != null) {
      ann.put(Transfer.REF_NAME, tag);
    }
    return e;
  }

  /** Pulls the children of {@code m} and notes the blobs (with their sizes) it references. */
  private void collect(
      RepositoryName repo, Digest d, Pulled m, Map<Digest, Pulled> out, Map<Digest, Blob> blobs)
      throws IOException {
    JsonNode n = ApiClient.JSON.readTree(m.bytes());
    Manifest parsed = Manifest.parse(m.bytes(), m.mediaType());
    if (!parsed.children().isEmpty()) {
      for (Digest c : parsed.children()) {
        if (!out.containsKey(c)) {
          Pulled child = manifest(repo, c.toString());
          out.put(c, child);
          collect(repo, c, child, out, blobs);
        }
      }
      return;
    }
    List<JsonNode> descriptors = new ArrayList<>();
    descriptors.add(n.path("config"));
    n.path("layers").forEach(descriptors::add);
    for (JsonNode desc : descriptors) {
      if (!desc.has("urls")) {
        blobs.putIfAbsent(
            Digest.parse(desc.path("digest").asText()), new Blob(repo, desc.path("size").asLong()));
      }
    }
  }

  /** The referrers of {@code d} and of its children, transitively, pulled into {@code out}. */
  private List<Digest> referrers(
      RepositoryName repo, Digest d, Map<Digest, Pulled> out, Map<Digest, Blob> blobs)
      throws IOException {
    List<Digest> found = new ArrayList<>();
    List<Digest> todo = new ArrayList<>(List.of(d));
    Set<Digest> visited = new HashSet<>();
    while (!todo.isEmpty()) {
      Digest x = todo.removeFirst();
      if (!visited.add(x)) {
        continue;
      }
      Pulled px = out.get(x);
      if (px != null) {
        todo.addAll(Manifest.parse(px.bytes(), px.mediaType()).children());
      }
      for (Digest r : referrersOf(repo, x)) {
        if (!out.containsKey(r)) {
          Pulled pr = manifest(repo, r.toString());
          out.put(r, pr);
          collect(repo, r, pr, out, blobs);
          found.add(r);
        }
        todo.add(r);
      }
    }
    return found;
  }

  // ---- the /v2 calls ----

  /** Whether the registry has the blob in {@code repo} (HEAD 200). */
  boolean hasBlob(RepositoryName repo, Digest d) throws IOException {
    HttpResponse<byte[]> r =
        send(
            request("v2/" + repo + "/blobs/" + d)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            scope(repo, false));
    if (r.statusCode() == 404) {
      return false;
    }
    check(r, "HEAD blob " + d);
    return true;
  }

  /** Uploads a blob in one request after opening a session (monolithic upload). */
  void putBlob(RepositoryName repo, Digest d, Path file) throws IOException {
    HttpResponse<byte[]> start =
        send(
            request("v2/" + repo + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()),
            scope(repo, true));
    check(start, "start upload of " + d);
    String location =
        start
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new IOException("the registry gave no upload location"));
    URI u = base.resolve(location);
    String sep = u.getRawQuery() == null ? "?" : "&";
    HttpResponse<byte[]> put =
        send(
            HttpRequest.newBuilder(URI.create(u + sep + "digest=" + d))
                .timeout(Duration.ofHours(1))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(file)),
            scope(repo, true));
    check(put, "upload of blob " + d);
  }

  /** Pushes a manifest under a tag or its digest. */
  void putManifest(RepositoryName repo, String reference, String mediaType, byte[] bytes)
      throws IOException {
    HttpResponse<byte[]> r =
        send(
            request("v2/" + repo + "/manifests/" + reference)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
            scope(repo, true));
    check(r, "push of manifest " + repo + ":" + reference);
  }

  /** Pulls a manifest; its digest is checked when {@code reference} is one, or the header says. */
  Pulled manifest(RepositoryName repo, String reference) throws IOException {
    HttpResponse<byte[]> r =
        send(
            request("v2/" + repo + "/manifests/" + reference).header("Accept", ACCEPT).GET(),
            scope(repo, false));
    if (r.statusCode() == 404) {
      throw new UserException(
          repo
              + (reference.contains(":") ? "@" : ":")
              + reference
              + ": no such image in the registry at "
              + base
              + " (list them with plinth registry ls [REPO])");
    }
    check(r, "pull of manifest " + repo + ":" + reference);
    Digest actual =
        reference.contains(":")
            ? Digest.of(
                Digest.parse(reference).newHasher().digest(r.body()),
                Digest.parse(reference).algorithm())
            : Digest.sha256(r.body());
    String claimed = r.headers().firstValue("Docker-Content-Digest").orElse(null);
    if ((reference.contains(":") && !Digest.parse(reference).equals(actual))
        || (claimed != null && !claimed.equals(actual.toString()))) {
      throw new IOException(
          "manifest " + repo + ":" + reference + " does not match its digest (" + actual + ")");
    }
    String type =
        r.headers()
            .firstValue("Content-Type")
            .map(t -> t.split(";")[0].strip())
            .orElse(Manifest.parse(r.body(), null).mediaType());
    return new Pulled(r.body(), type);
  }

  /** Streams a blob to {@code to}, following a redirect without credentials; checks its digest. */
  void pullBlob(RepositoryName repo, Digest d, long size, OutputStream to) throws IOException {
    HttpResponse<InputStream> r =
        sendStream(request("v2/" + repo + "/blobs/" + d).GET(), scope(repo, false));
    for (int hops = 0; r.statusCode() / 100 == 3 && hops < 5; hops++) {
      URI next =
          r.request()
              .uri()
              .resolve(r.headers().firstValue("Location").orElseThrow(() -> redirectless(d)));
      r.body().close();
      r = sendStream(HttpRequest.newBuilder(next).timeout(Duration.ofHours(1)).GET(), null);
    }
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException(
            "pull of blob " + d + " from " + repo + " was answered " + r.statusCode());
      }
      MessageDigest md = d.newHasher();
      byte[] buf = new byte[1 << 16];
      long n = 0;
      for (int k; (k = in.read(buf)) > 0; ) {
        md.update(buf, 0, k);
        to.write(buf, 0, k);
        n += k;
      }
      Digest actual = Digest.of(md.digest(), d.algorithm());
      if (!actual.equals(d) || n != size) {
        throw new IOException(
            "blob " + d + " arrived as " + n + " bytes hashing to " + actual + ": not exported");
      }
    }
  }

  private static IOException redirectless(Digest d) {
    return new IOException("the registry redirected blob " + d + " without a Location");
  }

  /** The digests of the manifests that refer to {@code d}; none where the API is missing. */
  List<Digest> referrersOf(RepositoryName repo, Digest d) throws IOException {
    HttpResponse<byte[]> r =
        send(
            request("v2/" + repo + "/referrers/" + d).header("Accept", MediaTypes.OCI_INDEX).GET(),
            scope(repo, false));
    if (r.statusCode() == 404 || r.statusCode() == 405) {
      return List.of();
    }
    check(r, "referrers of " + d);
    List<Digest> out = new ArrayList<>();
    for (JsonNode m : ApiClient.JSON.readTree(r.body()).path("manifests")) {
      out.add(Digest.parse(m.path("digest").asText()));
    }
    return out;
  }

  // ---- transport and credentials ----

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5));
  }

  private static String scope(RepositoryName repo, boolean push) {
    return "repository:" + repo + (push ? ":pull,push" : ":pull");
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder b, String scope) throws IOException {
    return exchange(b, scope, HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<InputStream> sendStream(HttpRequest.Builder b, String scope)
      throws IOException {
    return exchange(b, scope, HttpResponse.BodyHandlers.ofInputStream());
  }

  /**
   * Sends with the scope's bearer token if one was issued, else Basic; a 401 with a Bearer
   * challenge gets a token from its realm (with the Basic credentials) and one retry.
   */
  private <T> HttpResponse<T> exchange(
      HttpRequest.Builder b, String scope, HttpResponse.BodyHandler<T> h) throws IOException {
    String auth = scope == null ? null : bearers.getOrDefault(scope, basic);
    HttpResponse<T> r = call(withAuth(b, auth), h);
    if (r.statusCode() != 401 || scope == null) {
      return r;
    }
    String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
    if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return r;
    }
    discard(r);
    String token = token(challenge, scope);
    bearers.put(scope, "Bearer " + token);
    return call(withAuth(b, "Bearer " + token), h);
  }

  private static HttpRequest withAuth(HttpRequest.Builder b, String auth) {
    HttpRequest.Builder c = b.copy();
    if (auth != null) {
      c.setHeader("Authorization", auth);
    }
    return c.build();
  }

  private static void discard(HttpResponse<?> r) throws IOException {
    if (r.body() instanceof InputStream in) {
      in.close();
    }
  }

  /** A bearer token from the challenge's realm for {@code scope}. */
  private String token(String challenge, String scope) throws IOException {
    Map<String, String> p = new HashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      p.put(m.group(1), m.group(2));
    }
    String realm = p.get("realm");
    if (realm == null) {
      throw new IOException("the registry's Bearer challenge names no realm: " + challenge);
    }
    StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (p.containsKey("service")) {
      q.append("service=").append(ApiClient.q(p.get("service"))).append('&');
    }
    q.append("scope=").append(ApiClient.q(p.getOrDefault("scope", scope)));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(q.toString())).timeout(Duration.ofSeconds(30)).GET();
    HttpResponse<byte[]> r = call(withAuth(b, basic), HttpResponse.BodyHandlers.ofByteArray());
    check(r, "token request to " + realm);
    JsonNode n = ApiClient.JSON.readTree(r.body());
    String t = n.path("token").asText(n.path("access_token").asText(""));
    if (t.isEmpty()) {
      throw new IOException("the token service at " + realm + " returned no token");
    }
    return t;
  }

  private <T> HttpResponse<T> call(HttpRequest req, HttpResponse.BodyHandler<T> h) {
    try {
      return http.send(req, h);
    } catch (ConnectException e) {
      throw new UserException(
          "cannot reach the registry at "
              + base
              + " (is plinth serve running? set PLINTH_URL or --registry-url)",
          e);
    } catch (IOException | IllegalArgumentException e) {
      throw new UserException(
          "request to the registry at " + base + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted", e);
    }
  }

  /** An error status as a {@link UserException} with the registry's own message. */
  private void check(HttpResponse<byte[]> r, String what) {
    int s = r.statusCode();
    if (s < 400) {
      return;
    }
    String msg = "HTTP " + s;
    try {
      JsonNode n = r.body().length == 0 ? null : ApiClient.JSON.readTree(r.body());
      if (n != null && n.path("errors").path(0).has("message")) {
        JsonNode e = n.path("errors").path(0);
        msg = e.path("code").asText() + ": " + e.path("message").asText();
      }
    } catch (IOException e) {
      // not JSON: the status says it
    }
    String hint =
        switch (s) {
          case 401 ->
              " (check the credentials: plinth login or PLINTH_TOKEN for the controller, --username"
                  + " and --password-file for another registry)";
          case 403 -> " (the credentials are not allowed to do this)";
          default -> "";
        };
    throw new ApiClient.Refused(
        s, "the registry at " + base + " refused " + what + ": " + msg + hint);
  }
}
