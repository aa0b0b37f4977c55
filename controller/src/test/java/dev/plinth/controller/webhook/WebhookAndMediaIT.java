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
import dev.plinth.controller.media.MaintenanceIso;
import dev.plinth.controller.media.MediaRoutes;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Transition;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook v1 authentication, replay and idempotency; media ranges. */
class WebhookAndMediaIT {

  @TempDir Path dir;
  TestController t;
  Job job;
  JobSecrets secrets;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    // No engine capacity: the job stays Pending and only the endpoints are under test.
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
    String id = TestController.json(r).get("id").asText();
    try (Database db = Database.open("jdbc:sqlite:" + t.controller.layout().database(), null)) {
      job = new JobStore(db).get(id).orElseThrow();
    }
    secrets =
        JobSecrets.open(
            SecretBox.load(t.controller.layout().secretKey(), null), id, job.sealedSecret());
  }

  @AfterEach
  void stop() {
    t.close();
  }

  HttpResponse<String> post(byte[] body, String token, long ts, String sig) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(t.url("/webhooks/v1/jobs/" + job.id() + "/events")))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts));
    if (sig != null) {
      b.header(WebhookSignature.SIGNATURE_HEADER, sig);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> signed(Event e) throws Exception {
    byte[] body = ContractJson.writeEvent(e);
    long ts = Instant.now().getEpochSecond();
    return post(body, secrets.token(), ts, WebhookSignature.sign(key(), ts, body));
  }

  byte[] key() {
    return Base64.getDecoder().decode(secrets.hmacKey());
  }

  @Test
  void eventsAreAuthenticatedOrderedAndIdempotent() throws Exception {
    Event booted = Event.builder(job.id(), 1, EventType.BOOTED, Instant.now()).build();
    byte[] body = ContractJson.writeEvent(booted);
    long now = Instant.now().getEpochSecond();
    String sig = WebhookSignature.sign(key(), now, body);
    assertThat(post(body, "plinthjob_wrong", now, sig).statusCode()).isEqualTo(401);
    assertThat(post(body, null, now, sig).statusCode()).isEqualTo(401);
    assertThat(post(body, secrets.token(), now, "sha256=" + "0".repeat(64)).statusCode())
        .isEqualTo(401);
    long old = now - 600;
    HttpResponse<String> replay =
        post(body, secrets.token(), old, WebhookSignature.sign(key(), old, body));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).contains("STALE_TIMESTAMP");
    assertThat(post(body, secrets.token(), now, null).statusCode()).isEqualTo(401);

    assertThat(signed(booted).statusCode()).isEqualTo(202);
    assertThat(signed(booted).statusCode()).as("the same event again").isEqualTo(200);
    HttpResponse<String> gap =
        signed(
            Event.builder(job.id(), 5, EventType.HEARTBEAT, Instant.now()).step(0, "e", 1).build());
    assertThat(gap.statusCode()).isEqualTo(409);
    assertThat(gap.body()).contains("\"expectedSequence\":2");
    HttpResponse<String> reused =
        signed(
            Event.builder(job.id(), 1, EventType.HEARTBEAT, Instant.now()).step(0, "e", 1).build());
    assertThat(reused.statusCode()).as("a used sequence number with another id").isEqualTo(409);
    assertThat(
            signed(
                    Event.builder(job.id(), 2, EventType.STEP_STARTED, Instant.now())
                        .step(0, "e", 1)
                        .build())
                .statusCode())
        .isEqualTo(202);

    byte[] junk = "{\"apiVersion\":\"plinth.dev/v1\",\"kind\":\"Event\"}".getBytes();
    assertThat(
            post(junk, secrets.token(), now, WebhookSignature.sign(key(), now, junk)).statusCode())
        .isEqualTo(422);
    Event other =
        Event.builder("j-other", 3, EventType.HEARTBEAT, Instant.now()).step(0, "e", 1).build();
    assertThat(signed(other).statusCode()).as("another job's id in the body").isEqualTo(422);

    var events = TestController.json(t.call("GET", "/api/v1/jobs/" + job.id() + "/events", null));
    List<String> types = new java.util.ArrayList<>();
    events.get("items").forEach(e -> types.add(e.get("type").asText()));
    assertThat(types).containsExactly("job.created", "booted", "step.started");
    var j = TestController.json(t.call("GET", "/api/v1/jobs/" + job.id(), null));
    assertThat(j.get("lastStep").asText()).isEqualTo("e");
  }

  @Test
  void tokenIsCheckedBeforeTheBodyAndTheHmacBeforeParsing() throws Exception {
    byte[] big = new byte[70 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    long now = Instant.now().getEpochSecond();
    HttpResponse<String> anonymous = post(big, null, now, null);
    assertThat(anonymous.statusCode()).as("no token, oversized body").isEqualTo(401);
    assertThat(post(big, "plinthjob_wrong", now, null).statusCode()).isEqualTo(401);
    HttpResponse<String> tooBig = post(big, secrets.token(), now, null);
    assertThat(tooBig.statusCode()).as("the job's token, oversized body").isEqualTo(413);
    // Not JSON, wrongly signed: refused for the signature, never parsed (which would be a 422).
    byte[] junk = "not json at all".getBytes();
    HttpResponse<String> badMac = post(junk, secrets.token(), now, "sha256=" + "0".repeat(64));
    assertThat(badMac.statusCode()).isEqualTo(401);
    assertThat(badMac.body()).contains("signature refused");
    for (HttpResponse<String> r : List.of(anonymous, tooBig, badMac)) {
      assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
      var p = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      assertThat(p.get("type").asText()).startsWith("https://plinth.dev/problems/");
      assertThat(p.get("title").asText()).isNotBlank();
      assertThat(p.get("status").asInt()).isEqualTo(r.statusCode());
    }
    // The limit itself is fine: 64 KiB of well-signed non-JSON is parsed, and refused as such.
    byte[] limit = new byte[64 * 1024];
    java.util.Arrays.fill(limit, (byte) ' ');
    assertThat(
            post(limit, secrets.token(), now, WebhookSignature.sign(key(), now, limit))
                .statusCode())
        .isEqualTo(422);
  }

  @Test
  void mediaAnswersRangesWithValidators() throws Exception {
    byte[] iso = new byte[100_000];
    new Random(7).nextBytes(iso);
    Path f = MediaRoutes.taskIso(t.controller.layout(), job.id());
    Files.createDirectories(f.getParent());
    Files.write(f, iso);
    String url = "/media/" + job.mediaId() + "/task.iso";
    var full =
        http.send(
            HttpRequest.newBuilder(URI.create(t.url(url))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.body()).isEqualTo(iso);
    String etag = full.headers().firstValue("etag").orElseThrow();
    assertThat(full.headers().firstValue("last-modified")).isPresent();
    assertThat(full.headers().firstValue("accept-ranges")).hasValue("bytes");

    var head =
        http.send(
            HttpRequest.newBuilder(URI.create(t.url(url)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.headers().firstValue("content-length")).hasValue("100000");
    assertThat(head.body()).isEmpty();

    var one = range(url, "bytes=10-19", null);
    assertThat(one.statusCode()).isEqualTo(206);
    assertThat(one.headers().firstValue("content-range")).hasValue("bytes 10-19/100000");
    assertThat(one.body()).isEqualTo(java.util.Arrays.copyOfRange(iso, 10, 20));
    var suffix = range(url, "bytes=-5", null);
    assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(iso, 99_995, 100_000));

    var multi = range(url, "bytes=0-1,99998-", null);
    assertThat(multi.statusCode()).isEqualTo(206);
    assertThat(multi.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("multipart/byteranges; boundary="));
    String text = new String(multi.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(text)
        .contains("Content-Range: bytes 0-1/100000")
        .contains("Content-Range: bytes 99998-99999/100000");
    assertThat(Long.parseLong(multi.headers().firstValue("content-length").orElseThrow()))
        .isEqualTo(multi.body().length);

    var unsatisfiable = range(url, "bytes=200000-", null);
    assertThat(unsatisfiable.statusCode()).isEqualTo(416);
    assertThat(unsatisfiable.headers().firstValue("content-range")).hasValue("bytes */100000");
    assertThat(range(url, "bytes=0-9", "\"stale\"").statusCode())
        .as("If-Range mismatch sends all")
        .isEqualTo(200);
    assertThat(range(url, "bytes=0-9", etag).statusCode()).isEqualTo(206);
    assertThat(range(url, "bytes=x-y", null).statusCode())
        .as("a malformed Range is ignored")
        .isEqualTo(200);
    var guess = range("/media/guess/task.iso", null, null);
    assertThat(guess.statusCode()).isEqualTo(404);
    assertThat(guess.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(new String(guess.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"type\":\"https://plinth.dev/problems/not-found\"", "\"title\":\"Not found\"");
  }

  @Test
  void aDispatcherThatStartsTheTaskOverFailsTheJobInsteadOfMixingTwoRuns() throws Exception {
    try (Database db = Database.open("jdbc:sqlite:" + t.controller.layout().database(), null)) {
      JobStore js = new JobStore(db);
      Instant now = Instant.now();
      Instant later = now.plusSeconds(600);
      js.transition(
          new Transition(job.id(), JobState.PENDING, JobState.MEDIA_READY, null, null, later, now));
      js.transition(
          new Transition(job.id(), JobState.MEDIA_READY, JobState.BOOTING, null, null, later, now));
    }
    assertThat(signed(Event.builder(job.id(), 1, EventType.BOOTED, Instant.now()).build()))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(202);
    assertThat(
            signed(
                    Event.builder(job.id(), 2, EventType.STEP_STARTED, Instant.now())
                        .step(0, "e", 1)
                        .build())
                .statusCode())
        .isEqualTo(202);
    // The maintenance OS rebooted and its dispatcher lost its state: a new booted, sequence 1.
    HttpResponse<String> again =
        signed(Event.builder(job.id(), 1, EventType.BOOTED, Instant.now()).build());
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("started the task over");
    var j = TestController.json(t.call("GET", "/api/v1/jobs/" + job.id(), null));
    assertThat(j.get("state").asText()).isEqualTo("Finishing");
    assertThat(j.get("reason").asText()).startsWith("failed: the maintenance OS started the task");
    // Its later events are refused too: the stored history stays that of the first run.
    assertThat(
            signed(
                    Event.builder(job.id(), 2, EventType.STEP_STARTED, Instant.now())
                        .step(0, "e", 1)
                        .build())
                .statusCode())
        .isEqualTo(409);
  }

  @Test
  void theMaintenanceIsoIsServedAtOneUrlWithRanges() throws Exception {
    byte[] iso = Files.readAllBytes(t.controller.layout().media().resolve("maintenance.iso"));
    var full = range(MaintenanceIso.PATH, null, null);
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.body()).isEqualTo(iso);
    // The label firmware and blkid read: the primary volume descriptor of sector 16.
    var pvd = range(MaintenanceIso.PATH, "bytes=32768-34815", null);
    assertThat(pvd.statusCode()).isEqualTo(206);
    assertThat(new String(pvd.body(), 40, 32, java.nio.charset.StandardCharsets.US_ASCII).strip())
        .isEqualTo(SimulatedFleet.MAINTENANCE_VOLUME_LABEL);
    Files.delete(t.controller.layout().media().resolve("maintenance.iso"));
    assertThat(range(MaintenanceIso.PATH, null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void mediaAnswersHttp10() throws Exception {
    // A BMC or a health check speaking HTTP/1.0: Helidon alone answers every request with 505.
    byte[] iso = Files.readAllBytes(t.controller.layout().media().resolve("maintenance.iso"));
    URI base = URI.create(t.url("/"));
    String r =
        raw(base, "GET " + MaintenanceIso.PATH + " HTTP/1.0\r\nRange: bytes=32768-34815\r\n\r\n");
    assertThat(r).startsWith("HTTP/1.1 206");
    String headers = r.substring(0, r.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
    assertThat(headers).contains("content-length: 2048", "connection: close");
    assertThat(r.substring(r.indexOf("\r\n\r\n") + 4))
        .isEqualTo(new String(iso, 32768, 2048, java.nio.charset.StandardCharsets.ISO_8859_1));
    String head = raw(base, "HEAD " + MaintenanceIso.PATH + " HTTP/1.0\r\n\r\n");
    assertThat(head).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n");
    assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("content-length: " + iso.length);
  }

  /** One raw request on its own socket, read until the server closes it (as HTTP/1.0 has it). */
  static String raw(URI base, String request) throws Exception {
    try (var s = new java.net.Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(
          s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  HttpResponse<byte[]> range(String path, String range, String ifRange) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url(path)));
    if (range != null) {
      b.header("Range", range);
    }
    if (ifRange != null) {
      b.header("If-Range", ifRange);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
