/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import static dev.plinth.controller.testing.TestController.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** The machine's history, newest first: "from>to by reason" per transition. */
  private List<String> history(String query) throws Exception {
    HttpResponse<String> r = t.call("GET", "/api/v1/machines/m1/history" + query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> l = new ArrayList<>();
    for (JsonNode e : json(r).get("items")) {
      assertThat(e.get("at").asText()).isNotEmpty();
      l.add(
          e.get("from").asText()
              + ">"
              + e.get("to").asText()
              + " "
              + e.get("by").asText()
              + " "
              + e.get("reason").asText());
    }
    return l;
  }

  @Test
  void theHistoryKeepsEveryOperatorActionWithWhoAndWhyPaged() throws Exception {
    assertThat(t.call("POST", "/api/v1/machines?validate=false", ApiIT.M1).statusCode())
        .isEqualTo(201);
    assertThat(history("")).isEmpty();
    t.call("POST", "/api/v1/machines/m1/inventory", null);
    t.call(
        "POST", "/api/v1/machines/m1/maintenance", "{\"enabled\":true,\"reason\":\"new DIMMs\"}");
    t.call("POST", "/api/v1/machines/m1/maintenance", "{\"enabled\":false}");
    // Refused: not stored.
    refused(
        t.call("POST", "/api/v1/machines/m1/maintenance", "{\"enabled\":false}"),
        "not in maintenance");
    t.call("POST", "/api/v1/machines/m1/decommission", "{\"reason\":\"end of lease\"}");
    assertThat(history(""))
        .containsExactly(
            "available>decommissioning admin (admin.token) end of lease",
            "maintenance>available admin (admin.token) maintenance ended by admin (admin.token)",
            "available>maintenance admin (admin.token) new DIMMs",
            "enrolling>available admin (admin.token) BMC checked, inventory read");
    JsonNode p1 = json(t.call("GET", "/api/v1/machines/m1/history?limit=3", null));
    assertThat(p1.get("items")).hasSize(3);
    assertThat(history("?limit=3&before=" + p1.get("next").asText()))
        .containsExactly("enrolling>available admin (admin.token) BMC checked, inventory read");
    assertThat(t.call("GET", "/api/v1/machines/m1/history?before=x", null).statusCode())
        .isEqualTo(400);
    assertThat(t.call("GET", "/api/v1/machines/nope/history", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theHistoryShowsTheMachineMovedByItsJob() throws Exception {
    // An engine that takes the job: it boots (the fake BMC) and waits for a dispatcher that never
    // calls, until canceled.
    t.close();
    t = new TestController(dir.resolve("engine"), new FakeBmc(), JobSettings.defaults(), null);
    assertThat(t.call("POST", "/api/v1/machines", ApiIT.M1).statusCode()).isEqualTo(201);
    String id = json(t.call("POST", "/api/v1/jobs", JOB)).get("id").asText();
    assertThat(history("")).first().isEqualTo("available>provisioning job " + id + " job " + id);
    t.call("POST", "/api/v1/jobs/" + id + "/cancel", null);
    long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (!json(t.call("GET", "/api/v1/jobs/" + id, null)).get("state").asText().equals("Canceled")
        && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    String end = machine().get("state").asText();
    assertThat(history(""))
        .containsExactly(
            "provisioning>" + end + " job " + id + " job " + id + " Canceled",
            "available>provisioning job " + id + " job " + id,
            "enrolling>available admin (admin.token) BMC checked, inventory read");
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
