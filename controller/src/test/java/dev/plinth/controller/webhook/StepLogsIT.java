/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.contract.LogChunk;
import dev.plinth.contract.WebhookSignature;
import dev.plinth.controller.jobs.JobSecrets;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step logs through the webhook and the API: authenticated like events, redacted, bounded per step
 * and per job, and a dispatcher that sends too much never harms its job.
 */
class StepLogsIT {

  @TempDir Path dir;
  TestController t;
  String jobId;
  JobSecrets secrets;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    // No engine capacity: the job stays Pending, active, and only the webhook is under test.
    t = new TestController(dir, new FakeBmc(), JobSettings.defaults().withLimits(0, 1), null);
    t.call(
        "POST",
        "/api/v1/machines",
        "{\"name\":\"m1\",\"bmc\":{\"url\":\"https://10.0.0.1\",\"username\":\"u\",\"password\":\"p\"}}");
    var r =
        t.call(
            "POST",
            "/api/v1/jobs",
            "{\"machine\":\"m1\",\"recipeText\":\"apiVersion: plinth.dev/v1\\nkind: Recipe\\nmetadata: {name: w}\\nsteps: [{name: e, wipe: {method: zero, disks: all}}]\\n\"}");
    jobId = TestController.json(r).get("id").asText();
    try (Database db = Database.open("jdbc:sqlite:" + t.controller.layout().database(), null)) {
      String sealed = new JobStore(db).get(jobId).orElseThrow().sealedSecret();
      secrets =
          JobSecrets.open(SecretBox.load(t.controller.layout().secretKey(), null), jobId, sealed);
    }
  }

  @AfterEach
  void stop() {
    t.close();
  }

  HttpResponse<String> post(byte[] body, String token, byte[] key) throws Exception {
    long ts = Instant.now().getEpochSecond();
    return http.send(
        HttpRequest.newBuilder(URI.create(t.url("/webhooks/v1/jobs/" + jobId + "/logs")))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
            .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(key, ts, body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(LogChunk c) throws Exception {
    return post(c.write(), secrets.token(), Base64.getDecoder().decode(secrets.hmacKey()));
  }

  LogChunk chunk(String step, long n, String text) {
    return LogChunk.of(jobId, step, 0, 1, n, Instant.now(), text, 0, false);
  }

  JsonNode logs(String query) throws Exception {
    HttpResponse<String> r = t.call("GET", "/api/v1/jobs/" + jobId + "/logs" + query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return TestController.json(r);
  }

  @Test
  void chunksAreAuthenticatedRedactedAndListedByStep() throws Exception {
    String leak = "token=" + secrets.token() + " key=" + secrets.hmacKey() + "\n";
    assertThat(post(chunk("e", 1, "wiping /dev/sda\n" + leak)).statusCode()).isEqualTo(202);
    assertThat(post(chunk("e", 1, "wiping /dev/sda\n" + leak)).statusCode())
        .as("a resend")
        .isEqualTo(200);
    assertThat(post(chunk("e", 2, "done\n")).statusCode()).isEqualTo(202);
    LogChunk rated = LogChunk.of(jobId, "other", 1, 1, 1, Instant.now(), "x\n", 7, false);
    assertThat(post(rated).statusCode()).isEqualTo(202);

    JsonNode all = logs("");
    assertThat(all.get("items")).hasSize(3);
    String first = all.get("items").get(0).get("text").asText();
    assertThat(first)
        .startsWith("wiping /dev/sda\n")
        .contains("token=[REDACTED] key=[REDACTED]")
        .doesNotContain(secrets.token())
        .doesNotContain(secrets.hmacKey());
    assertThat(all.get("items").get(2).get("text").asText())
        .isEqualTo("[plinth: 7 line(s) dropped by the dispatcher's rate limit]\nx\n");
    JsonNode e = logs("?step=e");
    assertThat(e.get("items")).hasSize(2);
    assertThat(e.get("items").get(1).get("text").asText()).isEqualTo("done\n");
    assertThat(logs("?step=e&after=" + e.get("items").get(0).get("id").asLong()).get("items"))
        .hasSize(1);
    assertThat(t.call("GET", "/api/v1/jobs/" + jobId + "/logs?step=NO!", null).statusCode())
        .isEqualTo(400);

    byte[] body = chunk("e", 3, "x\n").write();
    byte[] key = Base64.getDecoder().decode(secrets.hmacKey());
    assertThat(post(body, "not-the-token", key).statusCode()).isEqualTo(401);
    assertThat(post(body, secrets.token(), new byte[32]).statusCode()).isEqualTo(401);
    String invalid = new String(body, StandardCharsets.UTF_8).replace("\"step\":\"e\",", "");
    assertThat(post(invalid.getBytes(StandardCharsets.UTF_8), secrets.token(), key).statusCode())
        .isEqualTo(422);
    byte[] huge = ("{\"text\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThat(post(huge, secrets.token(), key).statusCode()).isEqualTo(413);
    assertThat(logs("").get("items")).hasSize(3);
  }

  @Test
  void aDispatcherThatSendsTooMuchGetsAMarkerThen413AndItsJobIsUnharmed() throws Exception {
    String line = "y".repeat(99) + "\n";
    String text = line.repeat(320); // 32,000 characters, just under LogChunk.MAX_TEXT_CHARS
    int truncatedAt = -1;
    int refusedAt = -1;
    for (int n = 1; n <= 40 && refusedAt < 0; n++) {
      HttpResponse<String> r = post(chunk("e", n, text));
      if (r.statusCode() == 202 && r.body().contains("truncated")) {
        truncatedAt = n;
      } else if (r.statusCode() == 413) {
        refusedAt = n;
        assertThat(r.body()).contains("log-full").contains("send no more");
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      }
    }
    // 1 MiB per step: the 33rd chunk of 32,000 bytes crosses it.
    assertThat(truncatedAt).isEqualTo(33);
    assertThat(refusedAt).isEqualTo(34);
    long stored = 0;
    String last = null;
    for (String after = "0"; after != null; ) {
      JsonNode page = logs("?limit=500&after=" + after);
      for (JsonNode c : page.get("items")) {
        last = c.get("text").asText();
        stored += last.length();
      }
      after =
          page.path("next").isMissingNode() || page.get("next").isNull()
              ? null
              : page.get("next").asText();
      if (page.get("items").isEmpty()) {
        after = null;
      }
    }
    assertThat(last)
        .endsWith(
            "[plinth: log truncated: the controller keeps at most 1048576"
                + " bytes per step and 8388608 per job]\n");
    assertThat(stored).isLessThan((1 << 20) + 200);
    // Another step still has room until the job's limit.
    assertThat(post(chunk("next", 1, "ok\n")).statusCode()).isEqualTo(202);
    // The job is untouched: still Pending, nothing asked of it.
    JsonNode job = TestController.json(t.call("GET", "/api/v1/jobs/" + jobId, null));
    assertThat(job.get("state").asText()).isEqualTo("Pending");
    assertThat(job.get("cancelRequested").asBoolean()).isFalse();
  }
}
