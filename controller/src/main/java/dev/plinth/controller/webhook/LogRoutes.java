/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.webhook;

import dev.plinth.contract.ContractException;
import dev.plinth.contract.LogChunk;
import dev.plinth.contract.WebhookSignature;
import dev.plinth.controller.problem.Problem;
import dev.plinth.controller.problem.Problems;
import dev.plinth.controller.store.StepLogStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;

/**
 * {@code POST /webhooks/v1/jobs/{id}/logs}: a chunk of a step's output (Webhook v1, {@link
 * LogChunk}), authenticated as events are and checked in the same order (bearer, size, HMAC, JSON).
 * The job's secrets are redacted again before the text is stored (the dispatcher redacts first),
 * and {@link StepLogStore} bounds it per step and per job. Answers: 202 stored, 200 a resend, 401,
 * 409 the job has finished, 413 a body over 64 KiB or the step's or job's log is full (a chunk that
 * reaches the limit is stored up to it with a marker and answered 202 {@code truncated}), 422. A
 * refused chunk never touches the job.
 */
final class LogRoutes {

  static final String REDACTED = "[REDACTED]";

  private static final System.Logger LOG = System.getLogger(LogRoutes.class.getName());
  private static final int MAX_BODY = 64 * 1024;
  private static final Status UNPROCESSABLE = Status.create(422, "Unprocessable Content");

  private final JobKeys keys;
  private final StepLogStore logs;
  private final StepLogStore.Limits limits;
  private final InstantSource clock;

  LogRoutes(JobKeys keys, StepLogStore logs, StepLogStore.Limits limits, InstantSource clock) {
    this.keys = keys;
    this.logs = logs;
    this.limits = limits;
    this.clock = clock;
  }

  void handle(ServerRequest req, ServerResponse res) throws IOException {
    String id = req.path().pathParameters().get("id");
    JobKeys.Keys k = keys.get(id);
    Optional<String> token =
        WebhookSignature.parseBearer(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
    if (k == null || token.isEmpty() || !k.tokenMatches(token.get())) {
      if (req.headers().contentLength().orElse(Long.MAX_VALUE) > MAX_BODY) {
        res.header(HeaderValues.CONNECTION_CLOSE);
      }
      problem(req, res, Status.UNAUTHORIZED_401, "unauthorized", "bad job token");
      return;
    }
    byte[] body = null;
    if (req.headers().contentLength().orElse(0) <= MAX_BODY) {
      try (InputStream in = req.content().inputStream()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
    }
    if (body == null || body.length > MAX_BODY) {
      res.header(HeaderValues.CONNECTION_CLOSE);
      problem(
          req,
          res,
          Status.REQUEST_ENTITY_TOO_LARGE_413,
          "too-large",
          "log chunk over " + MAX_BODY + " bytes");
      return;
    }
    WebhookSignature.Verdict v =
        WebhookSignature.verify(
            k.hmacKey(),
            req.headers().first(HeaderNames.create(WebhookSignature.TIMESTAMP_HEADER)).orElse(null),
            req.headers().first(HeaderNames.create(WebhookSignature.SIGNATURE_HEADER)).orElse(null),
            body,
            clock.instant());
    if (v != WebhookSignature.Verdict.OK) {
      problem(req, res, Status.UNAUTHORIZED_401, "unauthorized", "signature refused: " + v);
      return;
    }
    LogChunk c;
    try {
      c = LogChunk.read(body);
    } catch (ContractException x) {
      problem(req, res, UNPROCESSABLE, "invalid", x.getMessage());
      return;
    }
    if (!id.equals(c.jobId())) {
      problem(req, res, UNPROCESSABLE, "invalid", "jobId in the body is not this job");
      return;
    }
    String text = redact(c.text(), token.get(), Base64.getEncoder().encodeToString(k.hmacKey()));
    if (c.droppedLines() > 0) {
      text =
          "[plinth: "
              + c.droppedLines()
              + " line(s) dropped by the dispatcher's rate limit]\n"
              + text;
    }
    StepLogStore.Outcome o =
        logs.append(id, c.step(), c.attempt(), c.chunk(), text, c.time(), limits);
    switch (o) {
      case STORED -> ok(res, Status.ACCEPTED_202, "stored");
      case TRUNCATED -> ok(res, Status.ACCEPTED_202, "truncated");
      case DUPLICATE -> ok(res, Status.OK_200, "duplicate");
      case FULL ->
          problem(
              req,
              res,
              Status.REQUEST_ENTITY_TOO_LARGE_413,
              "log-full",
              "the log of step "
                  + c.step()
                  + " or of the job is full ("
                  + limits.perStep()
                  + " bytes per step, "
                  + limits.perJob()
                  + " per job): send no more");
      case NO_ACTIVE_JOB ->
          problem(req, res, Status.CONFLICT_409, "conflict", "the job has finished");
    }
  }

  /** {@code text} with every occurrence of the job's secrets replaced by {@value #REDACTED}. */
  static String redact(String text, String... secrets) {
    String out = text;
    for (String s : secrets) {
      if (s != null && s.length() >= 8) {
        out = out.replace(s, REDACTED);
      }
    }
    return out;
  }

  private static void ok(ServerResponse res, Status s, String detail) {
    res.status(s);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(
        ("{\"status\":" + s.code() + ",\"detail\":\"" + detail + "\"}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static void problem(
      ServerRequest req, ServerResponse res, Status s, String slug, String detail) {
    LOG.log(Level.DEBUG, "log chunk refused: {0} {1}", s.code(), detail);
    Problems.send(req, res, Problem.of(slug, s.reasonPhrase(), s.code(), detail));
  }
}
