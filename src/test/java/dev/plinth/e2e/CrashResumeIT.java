/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.simulator.demo.DemoImages;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code plinth serve} in the middle of a run of many machines, then a restart on the
 * same data: every job finishes, none is lost, no step runs twice.
 */
class CrashResumeIT {

  // 40 keeps CI short on 2 cores; the 100 is run with -Dplinth.crash.machines=100.
  static final int MACHINES = Integer.getInteger("plinth.crash.machines", 40);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Process serve;
  final HttpClient http = HttpClient.newHttpClient();
  int port;
  String token;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.destroyForcibly();
    }
  }

  Process start() throws Exception {
    Path maintenance = dir.resolve("var/media/maintenance.iso");
    if (!Files.exists(maintenance)) {
      SimulatedFleet.writeMaintenanceIso(maintenance);
    }
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC",
                    "-jar",
                    PlinthProcess.jar().toString(),
                    "serve",
                    "--listen",
                    "127.0.0.1:" + port,
                    "--data",
                    dir.resolve("var").toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile()))
            .start();
    Instant until = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(until)) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(uri("/readyz")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          token = Files.readString(dir.resolve("var/admin.token")).strip();
          return p;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "serve did not become ready: " + Files.readString(dir.resolve("serve.log")));
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  JsonNode call(String method, String path, Object body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body())).isLessThan(300);
    return JSON.readTree(r.body());
  }

  Map<String, String> states() throws Exception {
    Map<String, String> m = new HashMap<>();
    for (JsonNode j : call("GET", "/api/v1/jobs?limit=500", null).path("items")) {
      m.put(j.path("id").asText(), j.path("state").asText());
    }
    return m;
  }

  @Test
  void killDashNineMidRunThenRestartFinishesEveryJobOnce() throws Exception {
    port = PlinthProcess.freePort();
    serve = start();
    DemoImages.publishTools("http://127.0.0.1:" + port, token);
    String recipe =
        "apiVersion: plinth.dev/v1\nkind: Recipe\nmetadata: {name: wipe}\n"
            + "steps:\n  - name: erase\n    wipe: {method: secure-erase, disks: all}\n";
    try (SimulatedFleet fleet = new SimulatedFleet(MACHINES, dir.resolve("fleet"), 4)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < MACHINES; i++) {
        call(
            "POST",
            "/api/v1/machines",
            Map.of(
                "name",
                "m" + i,
                "bmc",
                Map.of(
                    "url",
                    fleet.bmcs().get(i).url().toString(),
                    "username",
                    SimulatedFleet.USER,
                    "password",
                    SimulatedFleet.PASSWORD)));
        ids.add(
            call("POST", "/api/v1/jobs", Map.of("machine", "m" + i, "recipeText", recipe))
                .path("id")
                .asText());
      }
      // Kill once some jobs have finished and others have not.
      Instant until = Instant.now().plusSeconds(120);
      while (Instant.now().isBefore(until)) {
        long done = states().values().stream().filter("Succeeded"::equals).count();
        if (done >= 3) {
          break;
        }
        Thread.sleep(50);
      }
      Map<String, String> before = states();
      assertThat(before.values())
          .as("the kill lands mid-run")
          .anyMatch(s -> !s.equals("Succeeded"));
      serve.destroyForcibly(); // SIGKILL
      assertThat(serve.waitFor(10, TimeUnit.SECONDS)).isTrue();
      serve = start();
      Instant end = Instant.now().plusSeconds(240);
      Map<String, String> now = states();
      while (Instant.now().isBefore(end)
          && !now.values().stream()
              .allMatch(Set.of("Succeeded", "Failed", "Canceled", "TimedOut")::contains)) {
        Thread.sleep(250);
        now = states();
      }
      assertThat(now.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(now)
          .as("every job succeeded after the restart; fleet errors: %s", fleet.errors)
          .allSatisfy((id, s) -> assertThat(s).isEqualTo("Succeeded"));
      for (String id : ids) {
        List<String> types =
            call("GET", "/api/v1/jobs/" + id + "/events?limit=500", null)
                .path("items")
                .findValuesAsText("type");
        // The controller drove each job once: at most one boot request, one final state. The
        // record of a boot is written after the BMC call; a kill between the two leaves a job
        // booted without the record, and the restarted engine sees the task ISO inserted on the
        // BMC and does not boot again (the dispatcher's booted event then moves the job on).
        assertThat(types.stream().filter("bmc.boot-requested"::equals).count())
            .as(id + " was booted at most once by the controller: " + types)
            .isLessThanOrEqualTo(1);
        assertThat(types).as(id + " ran its step").contains("step.succeeded", "finished");
        long finals =
            call("GET", "/api/v1/jobs/" + id + "/events?limit=500", null)
                .path("items")
                .findValues("data")
                .stream()
                .filter(d -> "Succeeded".equals(d.path("to").asText()))
                .count();
        assertThat(finals).as(id + " reached Succeeded once").isEqualTo(1);
      }
    }
  }
}
