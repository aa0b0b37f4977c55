/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.contract.TaskStep;
import dev.plinth.controller.config.ExternalRegistry;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.testing.HtpasswdRegistry;
import dev.plinth.iso.IsoReader;
import dev.plinth.simulator.demo.DemoImages;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provisioning job against the external-registry stand-in, end to end (issue 16): Debian's
 * docker-registry with htpasswd holds the tool images (pushed by a publisher account); the
 * controller runs with {@code registry.url} and a pull account and no embedded registry; a
 * simulated server (the real dispatcher in-process) boots the task ISO and pulls each step image
 * from the external registry with the task's credentials (skopeo, as podman would) before
 * simulating the step. The registry's own log proves the pins at submit and the pulls by the pull
 * account.
 */
class ExternalRegistryIT {

  private static final String PULL_USER = "robot-pull";
  private static final String PULL_PASSWORD = "pull-pw-7f3a";
  private static final String PUSH_USER = "publisher";
  private static final String PUSH_PASSWORD = "push-pw-91c2";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String RECIPE =
      """
      apiVersion: plinth.dev/v1
      kind: Recipe
      metadata:
        name: external-registry
      steps:
        - name: secure-erase
          wipe:
            method: secure-erase
            disks: all
        - name: config-drive
          run:
            image: plinth/tools/config-drive:%s
            args: [hello]
      """;

  @TempDir static Path shared;
  @TempDir Path dir;

  static HtpasswdRegistry registry;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startRegistry() throws Exception {
    registry =
        new HtpasswdRegistry(
            shared.resolve("registry"), Map.of(PULL_USER, PULL_PASSWORD, PUSH_USER, PUSH_PASSWORD));
    // The site publishes the tool images to its registry with a push account.
    DemoImages.publishTools(registry.url(), PUSH_USER, PUSH_PASSWORD);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private Controller start(String pullPassword) throws Exception {
    Path pw = Files.writeString(dir.resolve("pull.pw"), pullPassword + "\n");
    Path maintenance = dir.resolve("maintenance.iso");
    SimulatedFleet.writeMaintenanceIso(maintenance);
    PlinthConfig c =
        new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("var"))
            .withMaintenanceIso(maintenance)
            .withRegistry(new ExternalRegistry(registry.url(), PULL_USER, pw, null, null, null));
    return Controller.start(
        c,
        new Controller.Parts(
            new RedfishBmcDriver(),
            new RecipesModuleCheck(),
            null,
            JobSettings.defaults().withDeadlines(Duration.ofMinutes(2)),
            InstantSource.system(),
            List.of()));
  }

  @Test
  void aJobIsPinnedAndPulledFromTheExternalRegistryNeverTheEmbeddedOne() throws Exception {
    try (Controller ctl = start(PULL_PASSWORD);
        SimulatedFleet fleet = new SimulatedFleet(1, dir.resolve("fleet"), 2).pullImages(true)) {
      String bmc = fleet.bmcs().getFirst().url().toString();
      HttpResponse<String> m =
          call(
              ctl,
              "POST",
              "/api/v1/machines",
              Map.of(
                  "name",
                  "ext-0",
                  "bmc",
                  Map.of(
                      "url", bmc,
                      "username", SimulatedFleet.USER,
                      "password", SimulatedFleet.PASSWORD)));
      assertThat(m.statusCode()).as(m.body()).isEqualTo(201);
      HttpResponse<String> submitted =
          call(
              ctl,
              "POST",
              "/api/v1/jobs",
              Map.of("machine", "ext-0", "recipeText", RECIPE.formatted("1")));
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
      String id = JSON.readTree(submitted.body()).path("id").asText();

      JsonNode job = awaitFinal(ctl, id, Duration.ofSeconds(60));
      assertThat(job.path("state").asText())
          .as("%s; fleet errors %s", job, fleet.errors)
          .isEqualTo("Succeeded");

      // What the machine was told: the external registry, its pull account, pinned images.
      Task task = taskOf(dir.resolve("fleet").resolve(fleet.bmcs().getFirst().id()));
      assertThat(task.registryHost()).isEqualTo(registry.host());
      assertThat(task.controller().registry()).isEqualTo(registry.url() + "/");
      assertThat(task.credentials().registryUsername()).isEqualTo(PULL_USER);
      assertThat(task.credentials().registryPassword()).isEqualTo(PULL_PASSWORD);
      assertThat(task.steps()).hasSize(2);

      // The external registry's log: each tag pinned at submit, each pinned manifest and its blobs
      // fetched. The registry refuses requests without valid credentials (401), and the only ones
      // the controller has are the pull account's (it never sees the publisher's); distribution
      // names the user only in the log lines of failed requests (see the tests below).
      List<HtpasswdRegistry.Request> log = registry.requests();
      assertThat(log).noneMatch(r -> r.user().equals(PUSH_USER) && !r.method().equals("PUT"));
      assertThat(log).anyMatch(hit("HEAD", "/v2/plinth/tools/config-drive/manifests/1", 200));
      for (TaskStep s : task.steps()) {
        assertThat(s.image()).startsWith(registry.host() + "/").contains("@sha256:");
        String repo = s.image().substring(registry.host().length() + 1, s.image().indexOf('@'));
        String digest = s.image().substring(s.image().indexOf('@') + 1);
        assertThat(log)
            .as("the pull of " + s.image())
            .anyMatch(hit("GET", "/v2/" + repo + "/manifests/" + digest, 200));
        assertThat(
                log.stream()
                    .filter(
                        r ->
                            r.method().equals("GET")
                                && r.uri().startsWith("/v2/" + repo + "/blobs/sha256:")
                                && r.status() == 200)
                    .count())
            .as("config and layer blobs of " + s.image() + " fetched")
            .isEqualTo(2);
      }

      // The embedded registry was never used: it says where to go, and it stored nothing.
      HttpResponse<String> v2 = call(ctl, "GET", "/v2/", null);
      assertThat(v2.statusCode()).isEqualTo(404);
      assertThat(v2.body()).contains("UNSUPPORTED").contains(registry.url());
      Path embedded = ctl.layout().registry();
      if (Files.exists(embedded)) {
        try (Stream<Path> files = Files.walk(embedded)) {
          assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
      }
    }
  }

  @Test
  void anUnknownTagIsRefusedAtSubmitNamingTheReference() throws Exception {
    try (Controller ctl = start(PULL_PASSWORD);
        SimulatedFleet fleet = new SimulatedFleet(1, dir.resolve("fleet"), 1)) {
      enrol(ctl, fleet);
      HttpResponse<String> r =
          call(
              ctl,
              "POST",
              "/api/v1/jobs",
              Map.of("machine", "ext-0", "recipeText", RECIPE.formatted("no-such-tag")));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(r.body()).contains("plinth/tools/config-drive:no-such-tag is not in the registry");
      assertThat(registry.requests())
          .contains(
              new HtpasswdRegistry.Request(
                  PULL_USER, "HEAD", "/v2/plinth/tools/config-drive/manifests/no-such-tag", 404));
      assertThat(JSON.readTree(call(ctl, "GET", "/api/v1/jobs", null).body()).path("items"))
          .isEmpty();
    }
  }

  @Test
  void wrongPullCredentialsAreAClearErrorAtSubmit() throws Exception {
    try (Controller ctl = start("not-the-password");
        SimulatedFleet fleet = new SimulatedFleet(1, dir.resolve("fleet"), 1)) {
      enrol(ctl, fleet);
      HttpResponse<String> r =
          call(
              ctl,
              "POST",
              "/api/v1/jobs",
              Map.of("machine", "ext-0", "recipeText", RECIPE.formatted("1")));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
      assertThat(JSON.readTree(r.body()).path("detail").asText())
          .isEqualTo(
              "the registry "
                  + registry.url()
                  + " refused the credentials of user '"
                  + PULL_USER
                  + "' (HTTP 401): check registry.username and registry.passwordFile"
                  + " (PLINTH_REGISTRY_USERNAME, PLINTH_REGISTRY_PASSWORD_FILE)");
      assertThat(r.body()).doesNotContain("not-the-password");
      assertThat(JSON.readTree(call(ctl, "GET", "/api/v1/jobs", null).body()).path("items"))
          .isEmpty();
    }
  }

  /** A completed request by the pull account (distribution logs no user name for a success). */
  private static java.util.function.Predicate<HtpasswdRegistry.Request> hit(
      String method, String uri, int status) {
    return r ->
        (r.user().isEmpty() || r.user().equals(PULL_USER))
            && r.method().equals(method)
            && r.uri().equals(uri)
            && r.status() == status;
  }

  private void enrol(Controller ctl, SimulatedFleet fleet) throws Exception {
    HttpResponse<String> m =
        call(
            ctl,
            "POST",
            "/api/v1/machines",
            Map.of(
                "name",
                "ext-0",
                "bmc",
                Map.of(
                    "url", fleet.bmcs().getFirst().url().toString(),
                    "username", SimulatedFleet.USER,
                    "password", SimulatedFleet.PASSWORD)));
    assertThat(m.statusCode()).as(m.body()).isEqualTo(201);
  }

  private JsonNode awaitFinal(Controller ctl, String id, Duration limit) throws Exception {
    long until = System.nanoTime() + limit.toNanos();
    JsonNode j;
    do {
      Thread.sleep(200);
      j = JSON.readTree(call(ctl, "GET", "/api/v1/jobs/" + id, null).body());
    } while (!List.of("Succeeded", "Failed", "Canceled", "TimedOut")
            .contains(j.path("state").asText())
        && System.nanoTime() < until);
    return j;
  }

  /** The task.json the simulated server downloaded, checked as the dispatcher checks it. */
  private static Task taskOf(Path serverState) throws Exception {
    try (IsoReader iso = IsoReader.open(serverState.resolve("task.iso"))) {
      return TaskIsoV1.verify(
          Map.of(
              TaskIsoV1.TASK_JSON,
              iso.readAllBytes(TaskIsoV1.TASK_JSON, TaskIsoV1.MAX_FILE_BYTES),
              TaskIsoV1.SHA256SUMS,
              iso.readAllBytes(TaskIsoV1.SHA256SUMS, TaskIsoV1.MAX_FILE_BYTES)));
    }
  }

  private HttpResponse<String> call(Controller ctl, String method, String path, Object body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(ctl.baseUrl() + path))
            .header("Authorization", "Bearer " + ctl.admin().token())
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
