/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import static dev.plinth.controller.testing.TestController.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.testing.TestController;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiIT {

  static final String M1 =
      "{\"name\":\"m1\",\"bmc\":{\"url\":\"https://10.0.0.1\",\"username\":\"root\","
          + "\"password\":\"s3cr3t-pw\"},\"labels\":{\"rack\":\"r1\"}}";
  static final String RECIPE =
      "{\"apiVersion\":\"plinth.dev/v1\",\"kind\":\"Recipe\",\"metadata\":{\"name\":\"r\"},"
          + "\"steps\":[{\"name\":\"erase\",\"wipe\":{\"method\":\"secure-erase\",\"disks\":\"all\"}}]}";

  @TempDir Path dir;
  TestController t;

  @BeforeEach
  void start() throws Exception {
    // No engine capacity: submitted jobs stay Pending, so the API alone is under test.
    t =
        new TestController(
            dir,
            new dev.plinth.controller.testing.FakeBmc(),
            dev.plinth.controller.jobs.JobSettings.defaults().withLimits(0, 1),
            null);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void everyCallNeedsAValidToken() throws Exception {
    HttpResponse<String> r = t.call("GET", "/api/v1/machines", null, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("www-authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(json(r).get("status").asInt()).isEqualTo(401);
    assertThat(t.call("GET", "/api/v1/machines", "plinth_wrong", null).statusCode()).isEqualTo(401);
    assertThat(t.call("GET", "/api/v1/version", null).statusCode()).isEqualTo(200);
    assertThat(t.call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    assertThat(t.call("GET", "/openapi", null, null).body()).contains("openapi: 3.1.0");
  }

  @Test
  void rolesLimitWhatATokenMayDo() throws Exception {
    String viewer =
        json(t.call("POST", "/api/v1/tokens", "{\"name\":\"ro\",\"role\":\"viewer\"}"))
            .get("secret")
            .asText();
    String operator =
        json(t.call("POST", "/api/v1/tokens", "{\"name\":\"op\",\"role\":\"operator\"}"))
            .get("secret")
            .asText();
    assertThat(t.call("GET", "/api/v1/machines", viewer, null).statusCode()).isEqualTo(200);
    HttpResponse<String> denied = t.call("POST", "/api/v1/machines", viewer, M1);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(json(denied).get("detail").asText()).contains("operator");
    assertThat(t.call("POST", "/api/v1/machines", operator, M1).statusCode()).isEqualTo(201);
    assertThat(t.call("GET", "/api/v1/tokens", operator, null).statusCode()).isEqualTo(403);
    var tokens = json(t.call("GET", "/api/v1/tokens", null));
    assertThat(tokens.toString()).doesNotContain(viewer).doesNotContain("hash");
    String id = tokens.get("items").get(1).get("id").asText();
    assertThat(t.call("DELETE", "/api/v1/tokens/" + id, null).statusCode()).isEqualTo(204);
    assertThat(t.call("GET", "/api/v1/whoami", viewer, null).statusCode()).isIn(200, 401);
    assertThat(t.call("DELETE", "/api/v1/tokens/bootstrap-admin", null).statusCode())
        .isEqualTo(409);
  }

  @Test
  void machinePasswordIsNeverShownAndIsEncryptedAtRest() throws Exception {
    HttpResponse<String> r = t.call("POST", "/api/v1/machines", M1);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("etag")).hasValue("\"1\"");
    assertThat(r.body()).doesNotContain("s3cr3t-pw").doesNotContain("password");
    assertThat(t.call("GET", "/api/v1/machines/m1", null).body()).doesNotContain("s3cr3t-pw");
    assertThat(t.call("GET", "/api/v1/machines", null).body()).doesNotContain("s3cr3t-pw");
    byte[] db = Files.readAllBytes(t.controller.layout().database());
    byte[] wal =
        Files.exists(Path.of(t.controller.layout().database() + "-wal"))
            ? Files.readAllBytes(Path.of(t.controller.layout().database() + "-wal"))
            : new byte[0];
    assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("s3cr3t-pw");
    assertThat(new String(wal, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("s3cr3t-pw");
    assertThat(t.call("POST", "/api/v1/machines/m1/power", "{\"action\":\"On\"}").statusCode())
        .isEqualTo(202);
    assertThat(t.bmc.passwords.get("m1")).isEqualTo("s3cr3t-pw");
    assertThat(t.bmc.calls).contains("m1:power:On");
    assertThat(Files.getPosixFilePermissions(t.controller.layout().secretKey()))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void machineValidationConflictsAndPaging() throws Exception {
    assertThat(t.call("POST", "/api/v1/machines", M1).statusCode()).isEqualTo(201);
    assertThat(t.call("POST", "/api/v1/machines", M1).statusCode()).isEqualTo(409);
    HttpResponse<String> bad = t.call("POST", "/api/v1/machines", "{\"name\":\"Bad Name\"}");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(json(bad).get("errors").get(0).get("pointer").asText()).isEqualTo("/name");
    assertThat(
            t.call(
                    "POST",
                    "/api/v1/machines",
                    "{\"name\":\"x\",\"bmc\":{\"url\":\"ftp://h\",\"username\":\"u\",\"password\":\"p\"}}")
                .statusCode())
        .isEqualTo(422);
    assertThat(t.call("POST", "/api/v1/machines", "{\"nome\":1}").statusCode()).isEqualTo(422);
    assertThat(t.call("POST", "/api/v1/machines", "not json").statusCode()).isEqualTo(400);
    for (String n : new String[] {"m2", "m3"}) {
      t.call("POST", "/api/v1/machines", M1.replace("\"m1\"", "\"" + n + "\"").replace("r1", "r2"));
    }
    var p1 = json(t.call("GET", "/api/v1/machines?limit=2", null));
    assertThat(p1.get("items")).hasSize(2);
    var p2 = json(t.call("GET", "/api/v1/machines?limit=2&after=" + p1.get("next").asText(), null));
    assertThat(p2.get("items")).hasSize(1);
    assertThat(p2.has("next")).isFalse();
    assertThat(json(t.call("GET", "/api/v1/machines?label=rack=r2", null)).get("items")).hasSize(2);
    assertThat(t.call("GET", "/api/v1/machines?limit=0", null).statusCode()).isEqualTo(400);
    assertThat(t.call("GET", "/api/v1/machines/nope", null).statusCode()).isEqualTo(404);
  }

  @Test
  void updatesNeedTheCurrentEtag() throws Exception {
    t.call("POST", "/api/v1/machines", M1);
    String patch = "{\"labels\":{\"rack\":\"r9\"},\"bmc\":{\"password\":\"new-pw\"}}";
    assertThat(t.call("PATCH", "/api/v1/machines/m1", patch).statusCode()).isEqualTo(428);
    assertThat(
            t.call("PATCH", "/api/v1/machines/m1", t.admin(), patch, "If-Match", "\"7\"")
                .statusCode())
        .isEqualTo(412);
    HttpResponse<String> ok =
        t.call("PATCH", "/api/v1/machines/m1", t.admin(), patch, "If-Match", "\"1\"");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("etag")).hasValue("\"2\"");
    assertThat(json(ok).get("labels").get("rack").asText()).isEqualTo("r9");
    assertThat(
            t.call("PATCH", "/api/v1/machines/m1", t.admin(), patch, "If-Match", "\"1\"")
                .statusCode())
        .isEqualTo(412);
    var inv = t.call("POST", "/api/v1/machines/m1/inventory", null);
    assertThat(json(inv).get("inventory").get("serial").asText()).isEqualTo("SN-m1");
    assertThat(t.bmc.passwords.get("m1")).isEqualTo("new-pw");
  }

  @Test
  void jobsAreSubmittedOncePerMachineAndCanBeCanceled() throws Exception {
    t.call("POST", "/api/v1/machines", M1);
    HttpResponse<String> bad =
        t.call("POST", "/api/v1/jobs", "{\"machine\":\"m1\",\"recipe\":{\"kind\":\"Recipe\"}}");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(bad.body()).contains("\"pointer\":\"/recipe");
    assertThat(
            t.call("POST", "/api/v1/jobs", "{\"machine\":\"zz\",\"recipe\":" + RECIPE + "}")
                .statusCode())
        .isEqualTo(422);
    HttpResponse<String> ok =
        t.call("POST", "/api/v1/jobs", "{\"machine\":\"m1\",\"recipe\":" + RECIPE + "}");
    assertThat(ok.statusCode()).isEqualTo(201);
    String id = json(ok).get("id").asText();
    assertThat(json(ok).get("state").asText()).isEqualTo("Pending");
    HttpResponse<String> again =
        t.call(
            "POST",
            "/api/v1/jobs",
            "{\"machine\":\"m1\",\"recipeText\":\"apiVersion: plinth.dev/v1\\nkind: Recipe\\nmetadata: {name: r}\\nsteps: [{name: a, wipe: {method: zero, disks: all}}]\\n\"}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(t.call("DELETE", "/api/v1/machines/m1", null).statusCode()).isEqualTo(409);
    var job = json(t.call("GET", "/api/v1/jobs/" + id, null));
    assertThat(job.get("recipe").get("kind").asText()).isEqualTo("Recipe");
    var byState = json(t.call("GET", "/api/v1/jobs?state=" + job.get("state").asText(), null));
    assertThat(byState.get("items").findValuesAsText("id")).contains(id);
    assertThat(json(t.call("GET", "/api/v1/jobs?machine=m2", null)).get("items")).isEmpty();
    assertThat(t.call("GET", "/api/v1/jobs?state=Nope", null).statusCode()).isEqualTo(400);
    var canceled = json(t.call("POST", "/api/v1/jobs/" + id + "/cancel", null));
    assertThat(canceled.get("cancelRequested").asBoolean()).isTrue();
    var events = json(t.call("GET", "/api/v1/jobs/" + id + "/events", null));
    assertThat(events.get("items").findValuesAsText("type"))
        .contains("job.created", "job.cancel-requested");
    assertThat(t.call("GET", "/api/v1/jobs/nope", null).statusCode()).isEqualTo(404);
    assertThat(t.call("POST", "/api/v1/jobs/nope/cancel", null).statusCode()).isEqualTo(404);
  }

  @Test
  void recipeValidationReportsEveryProblem() throws Exception {
    var v = json(t.call("POST", "/api/v1/recipes/validate", "kind: Recipe\nspec: {steps: []}\n"));
    assertThat(v.get("valid").asBoolean()).isFalse();
    assertThat(v.get("errors")).isNotEmpty();
    assertThat(v.get("errors").findValuesAsText("pointer")).allMatch(p -> p.startsWith("/recipe"));
    assertThat(json(t.call("POST", "/api/v1/recipes/validate", RECIPE)).get("valid").asBoolean())
        .isTrue();
  }
}
