/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.jobs.JobMetrics;
import dev.plinth.controller.jobs.JobSecrets;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Transition;
import dev.plinth.dispatcher.contract.ContractException;
import dev.plinth.dispatcher.contract.ContractJson;
import dev.plinth.dispatcher.contract.Event;
import dev.plinth.dispatcher.contract.WebhookSignature;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST /webhooks/v1/jobs/{id}/events}. Answers: 202 stored, 200 a duplicate of a stored
 * event, 401 bad token, signature or timestamp (also for unknown jobs: nothing to probe), 409 out
 * of sequence or the job has finished, 422 not a valid Webhook v1 event.
 *
 * <p>The event and the state change it causes ({@code booted}: Booting to Running; {@code
 * finished}: to Finishing with the outcome) are stored in one transaction.
 */
public final class WebhookRoutes {

  private static final System.Logger LOG = System.getLogger(WebhookRoutes.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  private final JobStore jobs;
  private final SecretBox box;
  private final JobSettings settings;
  private final InstantSource clock;
  private final Consumer<String> changed;
  private final JobMetrics metrics;

  /**
   * @param changed told the job id after an accepted event (wakes the engine and streams)
   */
  public WebhookRoutes(
      JobStore jobs,
      SecretBox box,
      JobSettings settings,
      InstantSource clock,
      Consumer<String> changed,
      JobMetrics metrics) {
    this.metrics = metrics;
    this.jobs = jobs;
    this.box = box;
    this.settings = settings;
    this.clock = clock;
    this.changed = changed;
  }

  public Consumer<HttpRouting.Builder> routes() {
    return r -> r.post("/webhooks/v1/jobs/{id}/events", this::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) throws IOException {
    String id = req.path().pathParameters().get("id");
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      answer(
          res,
          Status.create(422, "Unprocessable Content"),
          "event body over " + MAX_BODY + " bytes",
          null);
      return;
    }
    Optional<Job> job = jobs.get(id);
    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
    Optional<String> token = WebhookSignature.parseBearer(auth);
    if (job.isEmpty()
        || token.isEmpty()
        || !TokenHash.matches(token.get(), job.get().tokenHash())) {
      answer(res, Status.UNAUTHORIZED_401, "bad job token", null);
      return;
    }
    JobSecrets secrets = JobSecrets.open(box, id, job.get().sealedSecret());
    WebhookSignature.Verdict v =
        WebhookSignature.verify(
            java.util.Base64.getDecoder().decode(secrets.hmacKey()),
            req.headers().first(HeaderNames.create(WebhookSignature.TIMESTAMP_HEADER)).orElse(null),
            req.headers().first(HeaderNames.create(WebhookSignature.SIGNATURE_HEADER)).orElse(null),
            body,
            clock.instant());
    if (v != WebhookSignature.Verdict.OK) {
      answer(res, Status.UNAUTHORIZED_401, "signature refused: " + v, null);
      return;
    }
    Event e;
    try {
      e = ContractJson.readEvent(body);
    } catch (ContractException x) {
      answer(res, Status.create(422, "Unprocessable Content"), x.getMessage(), null);
      return;
    }
    if (!id.equals(e.jobId())) {
      answer(
          res,
          Status.create(422, "Unprocessable Content"),
          "jobId in the body is not this job",
          null);
      return;
    }
    EventStore.Appended a = store(id, e, body);
    switch (a.outcome()) {
      case ACCEPTED -> {
        changed.accept(id);
        answer(res, Status.ACCEPTED_202, "stored", a.expectedSeq());
      }
      case DUPLICATE -> answer(res, Status.OK_200, "duplicate of a stored event", a.expectedSeq());
      case OUT_OF_ORDER ->
          answer(res, Status.CONFLICT_409, "expected sequence " + a.expectedSeq(), a.expectedSeq());
      case NO_ACTIVE_JOB -> answer(res, Status.CONFLICT_409, "the job has finished", null);
    }
  }

  private EventStore.Appended store(String id, Event e, byte[] body) {
    Instant now = clock.instant();
    String data = new String(body, StandardCharsets.UTF_8);
    // Durable before the 202: group-committed with concurrent events, one fsync for the group.
    return jobs.database()
        .txDurable(
            c -> {
              EventStore.Appended a =
                  EventStore.append(
                      c, id, e.eventId(), e.sequence(), e.type().wire(), e.step(), data, now);
              if (a.outcome() != EventStore.Outcome.ACCEPTED) {
                return a;
              }
              Job j = JobStore.get(c, id).orElseThrow();
              switch (e.type()) {
                case BOOTED -> {
                  if (j.state() == JobState.BOOTING) {
                    JobStore.transition(
                        c,
                        new Transition(
                            id,
                            JobState.BOOTING,
                            JobState.RUNNING,
                            "dispatcher booted",
                            null,
                            now.plus(settings.running()),
                            now));
                  }
                }
                case STEP_STARTED -> JobStore.lastStep(c, id, e.step(), now);
                case FINISHED -> {
                  if (j.state() == JobState.RUNNING || j.state() == JobState.BOOTING) {
                    String reason =
                        Event.OUTCOME_SUCCEEDED.equals(e.outcome())
                            ? "succeeded"
                            : "failed: " + (e.message() == null ? "a step failed" : e.message());
                    JobStore.transition(
                        c,
                        new Transition(
                            id,
                            j.state(),
                            JobState.FINISHING,
                            reason,
                            null,
                            now.plus(settings.finishing()),
                            now));
                  }
                }
                case STEP_SUCCEEDED, STEP_FAILED, HEARTBEAT -> {}
              }
              return a;
            });
  }

  private void answer(ServerResponse res, Status status, String detail, Long expected) {
    metrics.webhook(Integer.toString(status.code()));
    reply(res, status, detail, expected);
  }

  private static void reply(ServerResponse res, Status status, String detail, Long expected) {
    if (status.code() >= 400) {
      LOG.log(Level.INFO, "webhook refused: {0} {1}", status.code(), detail);
    }
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("status", status.code());
    b.put("detail", detail);
    if (expected != null) {
      b.put("expectedSequence", expected);
    }
    res.status(status);
    res.header(
        HeaderNames.CONTENT_TYPE,
        status.code() >= 400 ? "application/problem+json" : "application/json");
    try {
      res.send(JSON.writeValueAsBytes(b));
    } catch (JsonProcessingException x) {
      throw new IllegalStateException(x);
    }
  }
}
