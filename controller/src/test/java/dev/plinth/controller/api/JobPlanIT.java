/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.PlanCompiler;
import dev.plinth.controller.media.MediaRoutes;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import dev.plinth.iso.IsoReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The execution plan through a running controller: compiled once at submit, shown by the API and
 * the CLI, and the task ISO the engine writes runs exactly its steps.
 */
class JobPlanIT {

  @TempDir Path dir;
  TestController t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  private static JsonNode json(String body) throws Exception {
    return TestController.JSON.readTree(body);
  }

  @Test
  void theApiAndTheCliShowThePlanTheTaskIsoIsBuiltFrom() throws Exception {
    t = new TestController(dir, new FakeBmc(), JobSettings.defaults(), null);
    assertThat(t.call("POST", "/api/v1/machines", ApiIT.M1).statusCode()).isEqualTo(201);
    long before = PlanCompiler.parses();
    var submitted =
        t.call("POST", "/api/v1/jobs", "{\"machine\":\"m1\",\"recipe\":" + ApiIT.RECIPE + "}");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String id = json(submitted.body()).get("id").asText();
    Path iso = MediaRoutes.taskIso(t.controller.layout(), id);
    Instant until = Instant.now().plus(Duration.ofSeconds(60));
    while (!Files.exists(iso) && Instant.now().isBefore(until)) {
      Thread.sleep(50);
    }
    assertThat(iso).exists();
    // From the submit to the task ISO on disk: one parse of the recipe.
    assertThat(PlanCompiler.parses() - before).isEqualTo(1);

    var r = t.call("GET", "/api/v1/jobs/" + id + "/plan", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode plan = json(r.body());
    assertThat(plan.get("planVersion").asInt()).isEqualTo(1);
    assertThat(plan.get("job").asText()).isEqualTo(id);
    assertThat(plan.get("repositories")).isNotEmpty();
    JsonNode steps = plan.get("plan").get("steps");
    assertThat(steps).isNotEmpty();
    Task task;
    try (IsoReader reader = IsoReader.open(iso)) {
      task =
          TaskIsoV1.verify(
              Map.of(
                  TaskIsoV1.TASK_JSON,
                  reader.readAllBytes(TaskIsoV1.TASK_JSON, TaskIsoV1.MAX_FILE_BYTES),
                  TaskIsoV1.SHA256SUMS,
                  reader.readAllBytes(TaskIsoV1.SHA256SUMS, TaskIsoV1.MAX_FILE_BYTES)));
    }
    assertThat(task.steps()).hasSameSizeAs(steps);
    for (int i = 0; i < steps.size(); i++) {
      String image = steps.get(i).get("image").asText();
      assertThat(image).contains("@sha256:");
      assertThat(task.steps().get(i).image()).isEqualTo(task.registryHost() + "/" + image);
    }

    StringWriter out = new StringWriter();
    var cli = dev.plinth.controller.cli.PlinthCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    int code =
        cli.execute(
            "jobs", "get", id, "--plan", "-o", "json", "--url", t.url(""), "--token", t.admin());
    assertThat(code).isZero();
    assertThat(json(out.toString())).isEqualTo(plan);

    var none = t.call("GET", "/api/v1/jobs/nope/plan", null);
    assertThat(none.statusCode()).isEqualTo(404);
  }
}
