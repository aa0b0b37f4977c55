/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import static dev.plinth.controller.testing.TestController.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine lifecycle through the API: enrolment, the operator's verbs, refused submissions. */
class MachineLifecycleIT {

  static final String JOB = "{\"machine\":\"m1\",\"recipe\":" + ApiIT.RECIPE + "}";

  @TempDir Path dir;
  TestController t;

  @BeforeEach
  void start() throws Exception {
    // No engine capacity: jobs stay Pending, so the API alone is under test.
    t =
        new TestController(
            dir,
            new FakeBmc(),
            dev.plinth.controller.jobs.JobSettings.defaults().withLimits(0, 1),
            null);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private JsonNode machine() throws Exception {
    return json(t.call("GET", "/api/v1/machines/m1", null));
  }

  private static void refused(HttpResponse<String> r, String detail) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(json(r).get("type").asText()).endsWith("/machine-state");
    assertThat(json(r).get("detail").asText()).contains(detail);
  }

  @Test
  void aCheckedMachineIsAvailableAndAnUncheckedOneEnrollingUntilInspected() throws Exception {
    HttpResponse<String> r = t.call("POST", "/api/v1/machines?validate=false", ApiIT.M1);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(json(r).get("state").asText()).isEqualTo("enrolling");
    refused(t.call("POST", "/api/v1/jobs", JOB), "machine m1 is enrolling");
    assertThat(json(t.call("GET", "/api/v1/jobs", null)).get("items")).isEmpty();

    JsonNode inspected = json(t.call("POST", "/api/v1/machines/m1/inventory", null));
    assertThat(inspected.get("state").asText()).isEqualTo("available");
    assertThat(inspected.get("stateReason").asText()).isEqualTo("BMC checked, inventory read");
    assertThat(inspected.get("stateSince").asText()).isNotEmpty();

    HttpResponse<String> m2 = t.call("POST", "/api/v1/machines", ApiIT.M1.replace("m1", "m2"));
    assertThat(json(m2).get("state").asText()).as(m2.body()).isEqualTo("available");
  }

  @Test
  void maintenanceRefusesJobsAndTheOperatorVerbsFollowTheTable() throws Exception {
    assertThat(t.call("POST", "/api/v1/machines", ApiIT.M1).statusCode()).isEqualTo(201);
    HttpResponse<String> on =
        t.call(
            "POST",
            "/api/v1/machines/m1/maintenance",
            "{\"enabled\":true,\"reason\":\"new DIMMs\"}");
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    assertThat(json(on).get("state").asText()).isEqualTo("maintenance");
    refused(t.call("POST", "/api/v1/jobs", JOB), "machine m1 is in maintenance (new DIMMs)");
    refused(
        t.call("POST", "/api/v1/machines/m1/maintenance", "{\"enabled\":true}"),
        "machine m1 is in maintenance");

    JsonNode listed = json(t.call("GET", "/api/v1/machines?state=maintenance", null));
    assertThat(listed.get("items")).hasSize(1);
    assertThat(json(t.call("GET", "/api/v1/machines?state=available", null)).get("items"))
        .isEmpty();
    assertThat(t.call("GET", "/api/v1/machines?state=asleep", null).statusCode()).isEqualTo(400);
    JsonNode fleet = json(t.call("GET", "/api/v1/fleet", null));
    assertThat(fleet.at("/machines/maintenance").asLong()).isEqualTo(1);
    assertThat(fleet.at("/jobs/Pending").asLong()).isZero();

    HttpResponse<String> off =
        t.call("POST", "/api/v1/machines/m1/maintenance", "{\"enabled\":false}");
    assertThat(json(off).get("state").asText()).as(off.body()).isEqualTo("available");
    assertThat(t.call("POST", "/api/v1/jobs", JOB).statusCode()).isEqualTo(201);
    assertThat(machine().get("state").asText()).isEqualTo("provisioning");
    refused(
        t.call("POST", "/api/v1/machines/m1/maintenance", "{\"enabled\":true}"),
        "cancel the job first");
    refused(t.call("POST", "/api/v1/machines/m1/decommission", null), "cancel the job first");
    assertThat(t.call("POST", "/api/v1/machines/m1/maintenance", "{}").statusCode()).isEqualTo(422);
    assertThat(t.call("POST", "/api/v1/machines/nope/decommission", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aDecommissionedMachineTakesNoJobsAndCanBeRemoved() throws Exception {
    assertThat(t.call("POST", "/api/v1/machines", ApiIT.M1).statusCode()).isEqualTo(201);
    HttpResponse<String> d =
        t.call("POST", "/api/v1/machines/m1/decommission", "{\"reason\":\"end of lease\"}");
    assertThat(json(d).get("state").asText()).as(d.body()).isEqualTo("decommissioning");
    assertThat(json(d).get("stateReason").asText()).isEqualTo("end of lease");
    refused(t.call("POST", "/api/v1/jobs", JOB), "being decommissioned");
    refused(
        t.call("POST", "/api/v1/machines/m1/maintenance", "{\"enabled\":false}"),
        "not in maintenance");
    assertThat(t.call("DELETE", "/api/v1/machines/m1", null).statusCode()).isEqualTo(204);
  }
}
