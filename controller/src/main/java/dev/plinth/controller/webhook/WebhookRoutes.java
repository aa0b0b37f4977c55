/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.webhook;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.plinth.contract.ContractException;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.WebhookSignature;
import dev.plinth.controller.jobs.JobLifecycle;
import dev.plinth.controller.jobs.JobMetrics;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.problem.Problem;
import dev.plinth.controller.problem.Problems;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.JobStore;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST /webhooks/v1/jobs/{id}/events}. Answers: 202 stored, 200 a duplicate of a stored
 * event, 401 bad token, signature or timestamp (also for unknown jobs: nothing to probe), 409 out
 * of sequence or the job has finished, 413 a body over 64 KiB (only to the job's token holder), 422
 * not a valid Webhook v1 event.
 *
 * <p>The event and the state change it causes ({@code booted}: Booting to Running; {@code
 * finished}: to Finishing with the outcome) are stored in one transaction.
 */
public final class WebhookRoutes {
  static final String STARTED_OVER =
      "the maintenance OS started the task over from its first event (its dispatcher lost its"
          + " state, e.g. in a reboot); steps may have run twice, resubmit the job";

  private static final System.Logger LOG = System.getLogger(WebhookRoutes.class.getName());
  private static final int MAX_BODY = 64 * 1024;
  private static final long DRAIN_LIMIT = 1 << 20;
  private static final Status UNPROCESSABLE = Status.create(422, "Unprocessable Content");
  private static final HeaderName TIMESTAMP = HeaderNames.create(WebhookSignature.TIMESTAMP_HEADER);
  private static final HeaderName SIGNATURE = HeaderNames.create(WebhookSignature.SIGNATURE_HEADER);

  private final JobLifecycle lifecycle;
  private final EventStore events;
  private final InstantSource clock;
  private final Consumer<String> changed;
  private final JobMetrics metrics;
  private final JobKeys keys;
  private final LogRoutes logs;

  /**
   * @param changed told the job id after an accepted event that changed the job's state ({@code
   *     booted}, {@code finished}): wakes the engine
   */
  public WebhookRoutes(
      JobStore jobs,
      SecretBox box,
      JobSettings settings,
      InstantSource clock,
      Consumer<String> changed,
      JobMetrics metrics) {
    this.metrics = metrics;
    this.lifecycle = new JobLifecycle(jobs, settings, clock);
    this.events = new EventStore(jobs.database());
    this.clock = clock;
    this.changed = changed;
    this.keys = new JobKeys(jobs, box);
    this.logs =
        new LogRoutes(
            keys,
            new dev.plinth.controller.store.StepLogStore(jobs.database()),
            dev.plinth.controller.store.StepLogStore.Limits.defaults(),
            clock);
  }

  public Consumer<HttpRouting.Builder> routes() {
    return r ->
        r.post("/webhooks/v1/jobs/{id}/events", this::handle)
            .post("/webhooks/v1/jobs/{id}/logs", logs::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) throws IOException {
    String id = req.path().pathParameters().get("id");
    // In this order, so nothing from an unauthenticated caller is read or parsed: the bearer job
    // token (headers only), the body up to the limit, the HMAC over it, and only then the JSON.
    JobKeys.Keys k = keys.get(id);
    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
    Optional<String> token = WebhookSignature.parseBearer(auth);
    if (k == null || token.isEmpty() || !k.tokenMatches(token.get())) {
      refuseUnread(req, res);
      answer(req, res, Status.UNAUTHORIZED_401, "bad job token", null);
      return;
    }
    byte[] body = readBody(req);
    if (body == null) {
      refuseUnread(req, res);
      answer(
          req,
          res,
          Status.REQUEST_ENTITY_TOO_LARGE_413,
          "event body over " + MAX_BODY + " bytes",
          null);
      return;
    }
    WebhookSignature.Verdict v =
        WebhookSignature.verify(
            k.hmacKey(),
            req.headers().first(TIMESTAMP).orElse(null),
            req.headers().first(SIGNATURE).orElse(null),
            body,
            clock.instant());
    if (v != WebhookSignature.Verdict.OK) {
      answer(req, res, Status.UNAUTHORIZED_401, "signature refused: " + v, null);
      return;
    }
    Event e;
    try {
      e = ContractJson.readEvent(body);
    } catch (ContractException x) {
      answer(req, res, UNPROCESSABLE, x.getMessage(), null);
      return;
    }
    if (!id.equals(e.jobId())) {
      answer(req, res, UNPROCESSABLE, "jobId in the body is not this job", null);
      return;
    }
    Stored s = store(id, e, body);
    EventStore.Appended a = s.appended();
    switch (a.outcome()) {
      case ACCEPTED -> {
        if (!Double.isNaN(s.stepSeconds())) {
          metrics.stepFinished(e.type() == EventType.STEP_SUCCEEDED, s.stepSeconds());
        }
        // Only these two change the job's state; step events and heartbeats give the engine
        // nothing to do, and waking it for each would cost a tick per event.
        if (e.type() == EventType.BOOTED || e.type() == EventType.FINISHED) {
          if (e.type() == EventType.FINISHED) {
            keys.forget(id);
          }
          changed.accept(id);
        }
        answer(req, res, Status.ACCEPTED_202, "stored", a.expectedSeq());
      }
      case DUPLICATE ->
          answer(req, res, Status.OK_200, "duplicate of a stored event", a.expectedSeq());
      case OUT_OF_ORDER -> {
        if (e.type() == EventType.BOOTED && e.sequence() == 1 && startedOver(id)) {
          changed.accept(id);
          answer(req, res, Status.CONFLICT_409, STARTED_OVER, a.expectedSeq());
        } else {
          answer(
              req,
              res,
              Status.CONFLICT_409,
              "expected sequence " + a.expectedSeq(),
              a.expectedSeq());
        }
      }
      case NO_ACTIVE_JOB -> {
        keys.forget(id);
        answer(req, res, Status.CONFLICT_409, "the job has finished", null);
      }
    }
  }

  /**
   * The body, or null when it is over {@link #MAX_BODY}: a declared length over it is refused
   * without reading a byte, and a chunked body is read no further than one byte past it.
   */
  private static byte[] readBody(ServerRequest req) throws IOException {
    if (req.headers().contentLength().orElse(0) > MAX_BODY) {
      return null;
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      return body.length > MAX_BODY ? null : body;
    }
  }

  /**
   * Before answering a request whose body was not read: Helidon drains an unread body to keep the
   * connection, which is cheap for a small one; a larger or chunked one closes the connection
   * instead, so an unauthenticated caller cannot make the server read what it sends.
   */
  private static void refuseUnread(ServerRequest req, ServerResponse res) {
    if (req.headers().contentLength().orElse(Long.MAX_VALUE) > DRAIN_LIMIT) {
      res.header(HeaderValues.CONNECTION_CLOSE);
    }
  }

  /**
   * What storing an event did, and for an accepted step result the attempt's duration in seconds
   * (NaN when there is none).
   */
  private record Stored(EventStore.Appended appended, double stepSeconds) {}

  private Stored store(String id, Event e, byte[] body) {
    // Durable before the 202: group-committed with concurrent events, one fsync for the group.
    EventStore.Appended a = lifecycle.onEvent(id, e, new String(body, StandardCharsets.UTF_8));
    boolean result = e.type() == EventType.STEP_SUCCEEDED || e.type() == EventType.STEP_FAILED;
    return new Stored(
        a,
        a.outcome() == EventStore.Outcome.ACCEPTED && result
            ? StepDurations.seconds(events, e)
            : Double.NaN);
  }

  /**
   * A second {@code booted} with sequence 1 but another event id: the maintenance OS booted again
   * and its dispatcher lost its state (a reboot, a power cut), so it starts the task over. Its
   * events cannot follow the stored ones, and steps run twice on a half-provisioned machine: the
   * job fails, through Finishing, so the engine ejects the media and returns the machine to its
   * disk. A restarted dispatcher that kept its state resumes with its next sequence instead.
   *
   * @return whether the job was running and now fails
   */
  private boolean startedOver(String id) {
    return lifecycle.startedOver(id, "failed: " + STARTED_OVER);
  }

  private void answer(
      ServerRequest req, ServerResponse res, Status status, String detail, Long expected) {
    metrics.webhook(Integer.toString(status.code()));
    if (status.code() >= 400) {
      LOG.log(Level.INFO, "webhook refused: {0} {1}", status.code(), detail);
      Problem p = Problem.of(slug(status), title(status), status.code(), detail);
      Problems.send(req, res, expected == null ? p : p.with("expectedSequence", expected));
      return;
    }
    // {"status":N,"detail":"...","expectedSequence":N}, written directly: this answers every event.
    StringBuilder b = new StringBuilder(96).append("{\"status\":").append(status.code());
    b.append(",\"detail\":\"").append(JsonStringEncoder.getInstance().quoteAsString(detail));
    b.append('"');
    if (expected != null) {
      b.append(",\"expectedSequence\":").append(expected.longValue());
    }
    b.append('}');
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The problem types of the webhook's refusals, named as the API's are. */
  private static String slug(Status s) {
    return switch (s.code()) {
      case 401 -> "unauthorized";
      case 409 -> "conflict";
      case 413 -> "too-large";
      case 422 -> "invalid";
      default -> "bad-request";
    };
  }

  private static String title(Status s) {
    return switch (s.code()) {
      case 401 -> "Authentication required";
      case 409 -> "Conflict";
      case 413 -> "The event body is too large";
      case 422 -> "Invalid content";
      default -> "Bad request";
    };
  }
}
