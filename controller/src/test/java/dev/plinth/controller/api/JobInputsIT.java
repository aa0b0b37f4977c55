/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import static dev.plinth.controller.testing.TestController.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.media.MediaRoutes;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import dev.plinth.iso.IsoReader;
import dev.plinth.recipes.ReferenceResolver;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job inputs and submit-time validation: the recipe is expanded for the machine, the job and its
 * inputs with every reference resolved before a job exists, and the task runs what was accepted.
 */
class JobInputsIT {

  static final Path LINUX = Path.of("../recipes/examples/linux-rootfs-uefi-grub-cloud-init.yaml");
  static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest ops@example";

  @TempDir Path dir;
  TestController t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  /** A controller whose engine does nothing (jobs stay Pending), with this registry. */
  private void start(ReferenceResolver resolver, JobSettings settings) throws Exception {
    t = new TestController(dir, new FakeBmc(), settings, null, resolver);
    // Enrolled unchecked, so that it has no inventory until a test reads it.
    assertThat(t.call("POST", "/api/v1/machines?validate=false", ApiIT.M1).statusCode())
        .isEqualTo(201);
  }

  private HttpResponse<String> submit(Map<String, ?> inputs) throws Exception {
    ObjectNode body = TestController.JSON.createObjectNode();
    body.put("machine", "m1");
    body.put("recipeText", Files.readString(LINUX));
    if (inputs != null) {
      body.set("inputs", TestController.JSON.valueToTree(inputs));
    }
    return t.call("POST", "/api/v1/jobs", body.toString());
  }

  private static JsonNode error(HttpResponse<String> r, String pointer) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    for (JsonNode e : json(r).get("errors")) {
      if (e.get("pointer").asText().equals(pointer)) {
        return e;
      }
    }
    throw new AssertionError("no error at " + pointer + " in " + r.body());
  }

  private static int line(JsonNode e) {
    return Integer.parseInt(e.get("line").asText());
  }

  private static int column(JsonNode e) {
    return Integer.parseInt(e.get("column").asText());
  }

  @Test
  void everyMissingValueIsA422LocatedInTheRecipe() throws Exception {
    start(TestController.FIXTURE_RESOLVER, JobSettings.defaults().withLimits(0, 1));
    // No inventory yet: ${machine.macs[0]} has no value. No inputs: sshKey (no default) is missing.
    HttpResponse<String> r = submit(null);
    JsonNode key = error(r, "/recipe/inputs/sshKey");
    assertThat(key.get("detail").asText()).contains("'sshKey'").contains("no default");
    assertThat(line(key)).isEqualTo(11); // sshKey: in the example
    assertThat(column(key)).isPositive();
    JsonNode mac =
        error(r, "/recipe/steps/3/configDrive/networkConfig/ethernets/uplink/match/macaddress");
    assertThat(mac.get("detail").asText()).contains("machine.macs[0]");
    assertThat(line(mac)).isPositive();
    JsonNode use = error(r, "/recipe/steps/3/configDrive/userData");
    assertThat(use.get("detail").asText()).contains("${inputs.sshKey}");
    assertThat(json(r).get("errors")).hasSize(3);
    assertThat(json(t.call("GET", "/api/v1/jobs", null)).get("items")).isEmpty();
  }

  @Test
  void inputsMustMatchTheirPatternBeDeclaredAndBeStrings() throws Exception {
    start(TestController.FIXTURE_RESOLVER, JobSettings.defaults().withLimits(0, 1));
    t.call("POST", "/api/v1/machines/m1/inventory", null);
    HttpResponse<String> r = submit(Map.of("sshKey", KEY, "timezone", "not a zone", "tz", "x"));
    JsonNode tz = error(r, "/recipe/inputs/timezone");
    assertThat(tz.get("detail").asText()).contains("pattern");
    assertThat(line(tz)).isEqualTo(13);
    assertThat(column(tz)).isPositive();
    assertThat(error(r, "/recipe/inputs").get("detail").asText())
        .contains("'tz'")
        .contains("does not declare");
    HttpResponse<String> notString = submit(Map.of("sshKey", List.of("a")));
    assertThat(notString.statusCode()).isEqualTo(422);
    assertThat(json(notString).get("errors").get(0).get("pointer").asText())
        .isEqualTo("/inputs/sshKey");
    assertThat(
            t.call(
                    "POST",
                    "/api/v1/jobs",
                    "{\"machine\":\"m1\",\"recipe\":" + ApiIT.RECIPE + ",\"inputs\":[\"x\"]}")
                .statusCode())
        .isEqualTo(422);
  }

  @Test
  void anImageTheRegistryDoesNotHaveIsA422() throws Exception {
    ReferenceResolver noRootfs =
        ref ->
            ref.repository().equals("os/ubuntu-rootfs")
                ? Optional.empty()
                : TestController.FIXTURE_RESOLVER.resolve(ref);
    start(noRootfs, JobSettings.defaults().withLimits(0, 1));
    t.call("POST", "/api/v1/machines/m1/inventory", null);
    HttpResponse<String> r = submit(Map.of("sshKey", KEY));
    JsonNode ref = error(r, "/recipe/steps/1/image/ref");
    assertThat(ref.get("detail").asText()).contains("os/ubuntu-rootfs:24.04");
    assertThat(line(ref)).isEqualTo(41);
    assertThat(column(ref)).isPositive();
    assertThat(json(r).get("detail").asText()).contains("m1");
  }

  @Test
  void validInputsAreStoredAndTheTaskCarriesTheSubstitutedValues() throws Exception {
    start(TestController.FIXTURE_RESOLVER, JobSettings.defaults());
    assertThat(t.call("POST", "/api/v1/machines/m1/inventory", null).statusCode()).isEqualTo(200);
    HttpResponse<String> r = submit(Map.of("sshKey", KEY, "timezone", "Europe/Berlin"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String id = json(r).get("id").asText();
    JsonNode job = json(t.call("GET", "/api/v1/jobs/" + id, null));
    assertThat(job.get("inputs").get("sshKey").asText()).isEqualTo(KEY);
    assertThat(job.get("inputs").get("timezone").asText()).isEqualTo("Europe/Berlin");
    // The engine prepares the job: its task ISO holds the expanded steps.
    Path iso = MediaRoutes.taskIso(t.controller.layout(), id);
    long until = System.nanoTime() + 20_000_000_000L;
    while (!Files.exists(iso) && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertThat(iso).exists();
    String task;
    try (IsoReader reader = IsoReader.open(iso)) {
      task =
          new String(
              reader.readAllBytes(TaskIsoV1.TASK_JSON, TaskIsoV1.MAX_FILE_BYTES),
              StandardCharsets.UTF_8);
    }
    Map<String, String> steps = new java.util.HashMap<>();
    for (JsonNode s : TestController.JSON.readTree(task).get("steps")) {
      steps.put(s.get("name").asText(), s.toString());
    }
    assertThat(steps.get("grub")).contains("systemd.hostname=m1");
    String cloudInit = steps.get("cloud-init");
    assertThat(cloudInit)
        .contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest ops@example")
        .contains("Europe/Berlin")
        .contains("52:54:00:00:00:01")
        .doesNotContain("${");
  }
}
