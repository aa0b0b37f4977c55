/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.WebhookSignature;
import dev.plinth.controller.jobs.JobSecrets;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Transition;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step results feed the step-duration histogram; kept job keys never outlive the job's end. */
class WebhookStepsIT {

  static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir Path dir;
  TestController t;
  String jobId;
  JobSecrets secrets;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    // No engine capacity: the job stays Pending and only the webhook is under test.
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

  HttpResponse<String> post(Event e, String token) throws Exception {
    byte[] body = ContractJson.writeEvent(e);
    long ts = Instant.now().getEpochSecond();
    byte[] key = Base64.getDecoder().decode(secrets.hmacKey());
    return http.send(
        HttpRequest.newBuilder(URI.create(t.url("/webhooks/v1/jobs/" + jobId + "/events")))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
            .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(key, ts, body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  int status(Event e) throws Exception {
    return post(e, secrets.token()).statusCode();
  }

  Event started(long seq, int attempt, Instant at) {
    return Event.builder(jobId, seq, EventType.STEP_STARTED, at).step(0, "e", attempt).build();
  }

  /** A step.failed without durationMs (optional in Webhook v1). */
  Event failedWithoutDuration(long seq, Instant at) {
    Event e =
        Event.builder(jobId, seq, EventType.STEP_FAILED, at)
            .step(0, "e", 1)
            .result(2, 0, "busy\n")
            .willRetry(true)
            .build();
    return new Event(
        e.apiVersion(),
        e.kind(),
        e.eventId(),
        e.jobId(),
        e.sequence(),
        e.type(),
        e.time(),
        e.step(),
        e.stepIndex(),
        e.attempt(),
        e.exitCode(),
        e.willRetry(),
        null,
        e.logTail(),
        e.outcome(),
        e.message());
  }

  double metric(String name, String result) throws Exception {
    String body = t.call("GET", "/metrics", null).body();
    Matcher m =
        Pattern.compile("(?m)^" + name + "\\{result=\"" + result + "\"\\} ([0-9.eE+-]+)$")
            .matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void stepResultsAreObservedOnceWithTheReportedOrMeasuredDuration() throws Exception {
    assertThat(status(Event.builder(jobId, 1, EventType.BOOTED, T).build())).isEqualTo(202);
    assertThat(status(started(2, 1, T.plusSeconds(1)))).isEqualTo(202);
    // No durationMs: measured from the attempt's step.started, by the dispatcher's clock.
    assertThat(status(failedWithoutDuration(3, T.plusMillis(5_250)))).isEqualTo(202);
    assertThat(status(started(4, 2, T.plusSeconds(6)))).isEqualTo(202);
    Event ok =
        Event.builder(jobId, 5, EventType.STEP_SUCCEEDED, T.plusSeconds(99))
            .step(0, "e", 2)
            .result(0, 42_500, "done\n")
            .build();
    assertThat(status(ok)).isEqualTo(202);
    assertThat(status(ok)).as("a resend").isEqualTo(200);

    assertThat(metric("plinth_step_duration_seconds_count", "succeeded")).isEqualTo(1.0);
    assertThat(metric("plinth_step_duration_seconds_sum", "succeeded")).isEqualTo(42.5);
    assertThat(metric("plinth_step_duration_seconds_count", "failed")).isEqualTo(1.0);
    assertThat(metric("plinth_step_duration_seconds_sum", "failed")).isEqualTo(4.25);
    String text = t.call("GET", "/metrics", null).body();
    assertThat(text)
        .contains("plinth_step_duration_seconds_bucket{result=\"succeeded\",le=\"30.0\"} 0")
        .contains("plinth_step_duration_seconds_bucket{result=\"succeeded\",le=\"60.0\"} 1")
        .doesNotContain(jobId);
  }

  @Test
  void keysKeptForAJobDoNotOutliveItsEnd() throws Exception {
    Event first = Event.builder(jobId, 1, EventType.BOOTED, T).build();
    assertThat(status(first)).isEqualTo(202);
    assertThat(post(started(2, 1, T), "plinthjob_wrong").statusCode()).isEqualTo(401);
    try (Database db = Database.open("jdbc:sqlite:" + t.controller.layout().database(), null)) {
      new JobStore(db)
          .transition(
              new Transition(
                  jobId, JobState.PENDING, JobState.CANCELED, "test", null, null, Instant.now()));
    }
    HttpResponse<String> late = post(started(2, 1, T), secrets.token());
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(late.body()).contains("the job has finished");
    assertThat(status(first)).as("a resend of a stored event").isEqualTo(200);
    assertThat(post(started(2, 1, T), "plinthjob_wrong").statusCode()).isEqualTo(401);
  }
}
