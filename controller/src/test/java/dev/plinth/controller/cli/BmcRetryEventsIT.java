/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.Engine;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.redfish.RedfishOptions;
import dev.plinth.controller.testing.TestController;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose BMC went down: each retry of the refused connection is a {@code bmc.retry} job event
 * with the line a person reads, so {@code plinth jobs watch} shows why the job waits.
 */
class BmcRetryEventsIT {

  static final String RECIPE =
      "{\"apiVersion\":\"plinth.dev/v1\",\"kind\":\"Recipe\",\"metadata\":{\"name\":\"r\"},"
          + "\"steps\":[{\"name\":\"erase\",\"wipe\":{\"method\":\"secure-erase\",\"disks\":\"all\"}}]}";

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRefusedBmcConnectionIsAJobEventJobsWatchShows() throws Exception {
    PlinthConfig c = new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("data"), null, null);
    SimulatedFleet.writeMaintenanceIso(c.maintenanceIsoFile());
    RedfishOptions fast =
        RedfishOptions.defaults()
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withDelays(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(20))
            .withTransportRetryWindow(Duration.ofMillis(500));
    BmcSimulator sim = BmcSimulator.builder().credentials("root", "Pa55-word").start();
    URI bmcUrl = sim.bmc(0).url();
    try (Controller controller =
        Controller.start(
            c,
            new Controller.Parts(
                new RedfishBmcDriver(fast),
                new RecipesModuleCheck(),
                TestController.FIXTURE_RESOLVER,
                JobSettings.defaults(),
                InstantSource.system(),
                List.of()))) {
      String base = "http://127.0.0.1:" + controller.port();
      String token = controller.admin().token();
      String machine =
          "{\"name\":\"m1\",\"bmc\":{\"url\":\""
              + bmcUrl
              + "\",\"username\":\"root\",\"password\":\"Pa55-word\"}}";
      assertThat(call(base, token, "POST", "/api/v1/machines", machine).statusCode())
          .isEqualTo(201);
      sim.close(); // the BMC goes down
      HttpResponse<String> job =
          call(
              base,
              token,
              "POST",
              "/api/v1/jobs",
              "{\"machine\":\"m1\",\"recipe\":" + RECIPE + "}");
      assertThat(job.statusCode()).as(job.body()).isEqualTo(201);
      String id = TestController.JSON.readTree(job.body()).path("id").asText();

      JsonNode retry = null;
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (retry == null && System.nanoTime() < end) {
        JsonNode events =
            TestController.JSON.readTree(
                call(base, token, "GET", "/api/v1/jobs/" + id + "/events", null).body());
        for (JsonNode e : events.path("items")) {
          if (e.path("type").asText().equals(Engine.BMC_RETRY)) {
            retry = e;
            break;
          }
        }
        Thread.sleep(100);
      }
      assertThat(retry).as("a bmc.retry event").isNotNull();
      String line =
          "BMC "
              + bmcUrl.getHost()
              + ":"
              + bmcUrl.getPort()
              + ": connection refused, retrying (attempt 2, next in 100ms, giving up after"
              + " 500ms)";
      assertThat(retry.path("data").path("message").asText()).isEqualTo(line);
      assertThat(JobsCommand.progress(retry)).endsWith(line);
    }
  }

  HttpResponse<String> call(String base, String token, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
