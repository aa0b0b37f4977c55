/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobPlan;
import dev.plinth.controller.jobs.JobSecrets;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipeRepositories;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Transition;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import dev.plinth.registry.Registry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v2} as the controller wires it: API tokens by role, job tokens by recipe and job life.
 */
class RegistryAccessIT {

  private static final String RECIPE =
      "apiVersion: plinth.dev/v1\\nkind: Recipe\\nmetadata: {name: w}\\n"
          + "steps: [{name: e, wipe: {method: zero, disks: all}}]\\n";
  private static final String OTHER = "other/image";

  @TempDir Path dir;
  Registry registry;
  Controller ctl;
  final HttpClient http = HttpClient.newHttpClient();
  String base;
  String admin;
  Job job;
  String jobToken;
  String repo;

  @BeforeEach
  void start() throws Exception {
    RegistryAccess.Gate gate = new RegistryAccess.Gate(null);
    registry =
        Registry.builder()
            .root(dir.resolve("registry"))
            .dataPlane(false)
            .credentials(gate)
            .authorizer(gate)
            .start();
    ctl =
        Controller.start(
            new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("var")),
            new Controller.Parts(
                new FakeBmc(),
                new RecipesModuleCheck(),
                TestController.FIXTURE_RESOLVER,
                // No engine capacity: the job stays Pending (active) until the test ends it.
                JobSettings.defaults().withLimits(0, 1),
                InstantSource.system(),
                List.of(registry.routes())));
    gate.bind(ctl.registryAccess());
    base = ctl.baseUrl();
    admin = ctl.admin().token();
    api(
        "POST",
        "/api/v1/machines",
        admin,
        "{\"name\":\"m1\",\"bmc\":{\"url\":\"https://10.0.0.1\",\"username\":\"u\","
            + "\"password\":\"p\"}}");
    String id =
        api("POST", "/api/v1/jobs", admin, "{\"machine\":\"m1\",\"recipeText\":\"" + RECIPE + "\"}")
            .get("id")
            .asText();
    String plan;
    try (Database db = Database.open("jdbc:sqlite:" + ctl.layout().database(), null)) {
      job = new JobStore(db).get(id).orElseThrow();
      plan = new JobStore(db).plan(id).orElseThrow();
    }
    jobToken =
        JobSecrets.open(SecretBox.load(ctl.layout().secretKey(), null), id, job.sealedSecret())
            .token();
    Set<String> repos = RecipeRepositories.of(JobPlan.parse(plan));
    assertThat(repos).hasSize(1).doesNotContain(OTHER);
    repo = repos.iterator().next();
    assertThat(push(repo, basic(admin))).isEqualTo(201);
    assertThat(push(OTHER, basic(admin))).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    ctl.close();
    registry.close();
  }

  @Test
  void jobTokenPullsOnlyItsRecipesRepositoriesWhileTheJobIsActive() throws Exception {
    assertThat(manifest(repo, basic(jobToken)).statusCode()).isEqualTo(200);
    // Authenticated, but not for this repository or this action: 403 DENIED.
    HttpResponse<String> other = manifest(OTHER, basic(jobToken));
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body()).contains("DENIED");
    assertThat(startUpload(repo, basic(jobToken)).statusCode()).isEqualTo(403);
    // No registry-wide pull: the catalog is refused, not even its own repositories are listed.
    HttpResponse<String> jobCatalog = catalog(basic(jobToken));
    assertThat(jobCatalog.statusCode()).isEqualTo(403);
    assertThat(jobCatalog.body()).contains("DENIED").doesNotContain(OTHER);

    // The token flow grants only what the job may do.
    String bearer = "Bearer " + token(jobToken, repo, "pull,push");
    assertThat(manifest(repo, bearer).statusCode()).isEqualTo(200);
    assertThat(startUpload(repo, bearer).statusCode()).isEqualTo(401);
    String otherBearer = "Bearer " + token(jobToken, OTHER, "pull");
    assertThat(manifest(OTHER, otherBearer).statusCode()).isEqualTo(401);

    endJob();
    assertThat(manifest(repo, basic(jobToken)).statusCode()).isEqualTo(401);
    // A bearer token issued while the job ran stops working with it too.
    assertThat(manifest(repo, bearer).statusCode()).isEqualTo(401);
    assertThat(tokenStatus(jobToken, repo)).isEqualTo(401);
  }

  @Test
  void apiTokensActByRole() throws Exception {
    String viewer = newToken("viewer");
    String operator = newToken("operator");
    assertThat(manifest(OTHER, basic(viewer)).statusCode()).isEqualTo(200);
    HttpResponse<String> viewerCatalog = catalog(basic(viewer));
    assertThat(viewerCatalog.statusCode()).isEqualTo(200);
    assertThat(viewerCatalog.body()).contains(OTHER).contains(repo);
    assertThat(startUpload(OTHER, basic(viewer)).statusCode()).isEqualTo(403);
    assertThat(push("ops/image", basic(operator))).isEqualTo(201);
    assertThat(delete(OTHER, basic(operator))).isEqualTo(403);
    assertThat(delete(OTHER, basic(admin))).isEqualTo(202);
    assertThat(manifest("ops/image", "Bearer " + token(viewer, "ops/image", "pull")).statusCode())
        .isEqualTo(200);
    assertThat(manifest(OTHER, basic("plinth_wrong")).statusCode()).isEqualTo(401);
    // /v2 answers HTTP/1.0 too (Helidon alone answers 505): a length, no chunks, then close.
    URI u = URI.create(base);
    try (var s = new java.net.Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(10_000);
      String req =
          "GET /v2/ops/image/manifests/1 HTTP/1.0\r\nAuthorization: "
              + basic(viewer)
              + "\r\n"
              + "Accept: application/vnd.oci.image.manifest.v1+json\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(r).startsWith("HTTP/1.1 200");
      assertThat(r.toLowerCase(java.util.Locale.ROOT))
          .contains("connection: close", "content-length: ", "docker-content-digest: sha256:")
          .doesNotContain("transfer-encoding");
      assertThat(r.substring(r.indexOf("\r\n\r\n") + 4))
          .isEqualTo(manifest("ops/image", basic(viewer)).body());
    }
    // A deleted token stops working at once.
    String id = api("GET", "/api/v1/whoami", viewer, null).get("token").asText();
    http.send(
        request("DELETE", "/api/v1/tokens/" + id, "Bearer " + admin, (byte[]) null), discard());
    assertThat(manifest("ops/image", basic(viewer)).statusCode()).isEqualTo(401);
  }

  private void endJob() throws Exception {
    try (Database db = Database.open("jdbc:sqlite:" + ctl.layout().database(), null)) {
      assertThat(
              new JobStore(db)
                  .transition(
                      new Transition(
                          job.id(),
                          JobState.PENDING,
                          JobState.CANCELED,
                          "test",
                          null,
                          null,
                          Instant.now())))
          .isPresent();
    }
  }

  private String newToken(String role) throws Exception {
    return api(
            "POST",
            "/api/v1/tokens",
            admin,
            "{\"name\":\"" + role + "\",\"role\":\"" + role + "\"}")
        .get("secret")
        .asText();
  }

  private JsonNode api(String method, String path, String token, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            request(method, path, "Bearer " + token, body), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isLessThan(300);
    return TestController.json(r);
  }

  private HttpRequest request(String method, String path, String auth, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b.build();
  }

  private HttpRequest request(String method, String path, String auth, String json) {
    HttpRequest r =
        request(method, path, auth, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    return json == null
        ? r
        : HttpRequest.newBuilder(r, (k, v) -> true)
            .header("Content-Type", "application/json")
            .build();
  }

  private static HttpResponse.BodyHandler<Void> discard() {
    return HttpResponse.BodyHandlers.discarding();
  }

  private static String basic(String token) {
    return "Basic "
        + Base64.getEncoder().encodeToString(("anyone:" + token).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> manifest(String repository, String auth) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/manifests/1"))
            .header("Authorization", auth)
            .header("Accept", "application/vnd.oci.image.manifest.v1+json")
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> catalog(String auth) throws Exception {
    return http.send(
        request("GET", "/v2/_catalog", auth, (byte[]) null), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> startUpload(String repository, String auth) throws Exception {
    return http.send(
        request("POST", "/v2/" + repository + "/blobs/uploads/", auth, (byte[]) null),
        HttpResponse.BodyHandlers.ofString());
  }

  private int delete(String repository, String auth) throws Exception {
    HttpResponse<String> m = manifest(repository, basic(admin));
    String digest = m.headers().firstValue("Docker-Content-Digest").orElseThrow();
    return http.send(
            request("DELETE", "/v2/" + repository + "/manifests/" + digest, auth, (byte[]) null),
            discard())
        .statusCode();
  }

  private String token(String secret, String repository, String actions) throws Exception {
    HttpResponse<String> r = tokenResponse(secret, repository, actions);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return TestController.JSON.readTree(r.body()).get("token").asText();
  }

  private int tokenStatus(String secret, String repository) throws Exception {
    return tokenResponse(secret, repository, "pull").statusCode();
  }

  private HttpResponse<String> tokenResponse(String secret, String repository, String actions)
      throws Exception {
    String scope =
        URLEncoder.encode("repository:" + repository + ":" + actions, StandardCharsets.UTF_8);
    return http.send(
        request("GET", "/v2/token?scope=" + scope, basic(secret), (byte[]) null),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Pushes a one-layer image tagged {@code 1}; returns the manifest PUT's status. */
  private int push(String repository, String auth) throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("layer of " + repository).getBytes(StandardCharsets.UTF_8);
    String configDigest = blob(repository, auth, config);
    String layerDigest = blob(repository, auth, layer);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + configDigest
            + "\",\"size\":"
            + config.length
            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"digest\":\""
            + layerDigest
            + "\",\"size\":"
            + layer.length
            + "}]}";
    HttpRequest put =
        HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/manifests/1"))
            .PUT(HttpRequest.BodyPublishers.ofString(manifest))
            .header("Authorization", auth)
            .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            .build();
    HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  private String blob(String repository, String auth, byte[] content) throws Exception {
    String digest =
        "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    HttpResponse<String> start = startUpload(repository, auth);
    assertThat(start.statusCode()).as(start.body()).isEqualTo(202);
    URI location =
        URI.create(base + "/").resolve(start.headers().firstValue("Location").orElseThrow());
    String sep = location.toString().contains("?") ? "&" : "?";
    HttpRequest put =
        HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
            .header("Authorization", auth)
            .header("Content-Type", "application/octet-stream")
            .build();
    HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return digest;
  }
}
