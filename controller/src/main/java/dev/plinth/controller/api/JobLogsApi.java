/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.api.Endpoint.Call;
import dev.plinth.controller.security.Role;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.StepLogStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.sse.SseSink;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A job's step logs: {@code GET /jobs/{id}/logs?step=&after=&limit=} (chunks in stored order) and
 * {@code GET /jobs/{id}/logs/stream?step=} (the same as server-sent events, {@code event: log}, as
 * they are stored; resumes with {@code Last-Event-ID}; ends when the job has finished and every
 * chunk was sent).
 */
final class JobLogsApi implements HttpService {

  private static final System.Logger LOG = System.getLogger(JobLogsApi.class.getName());
  private static final Pattern STEP = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  /** One chunk of a step's output. */
  record LogOut(long id, String step, int attempt, long chunk, String at, String text) {
    static LogOut of(StepLogStore.Chunk c) {
      return new LogOut(c.id(), c.step(), c.attempt(), c.chunk(), Wire.ts(c.at()), c.text());
    }
  }

  private final ApiContext ctx;
  private final StepLogStore logs;

  JobLogsApi(ApiContext ctx) {
    this.ctx = ctx;
    this.logs = new StepLogStore(ctx.jobs().database());
  }

  @Override
  public void routing(HttpRules r) {
    var auth = ctx.auth();
    r.get("/jobs/{id}/logs", Endpoint.guarded(auth, Role.VIEWER, this::list));
    r.get("/jobs/{id}/logs/stream", Endpoint.guarded(auth, Role.VIEWER, this::stream));
  }

  private void list(Call c) {
    Job j = find(c);
    List<StepLogStore.Chunk> l = logs.list(j.id(), step(c), after(c), Endpoint.limit(c.req()));
    String next = l.isEmpty() ? null : Long.toString(l.getLast().id());
    ApiJson.send(c.res(), new Wire.PageOut<>(l.stream().map(LogOut::of).toList(), next));
  }

  private void stream(Call c) throws InterruptedException {
    Job job = find(c);
    String step = step(c);
    long cursor =
        c.req()
            .headers()
            .first(HeaderNames.create("Last-Event-ID"))
            .map(Long::parseLong)
            .orElse(after(c));
    long lastWrite = System.nanoTime();
    try (SseSink sink = c.res().sink(SseSink.TYPE)) {
      while (true) {
        List<StepLogStore.Chunk> l = logs.list(job.id(), step, cursor, 100);
        for (StepLogStore.Chunk ch : l) {
          sink.emit(
              SseEvent.builder()
                  .id(Long.toString(ch.id()))
                  .name("log")
                  .data(ApiJson.MAPPER.writeValueAsString(LogOut.of(ch)))
                  .build());
          cursor = ch.id();
          lastWrite = System.nanoTime();
        }
        if (l.isEmpty()) {
          if (ctx.jobs().get(job.id()).map(j -> j.state().terminal()).orElse(true)
              && logs.list(job.id(), step, cursor, 1).isEmpty()) {
            return;
          }
          if (System.nanoTime() - lastWrite > KEEP_ALIVE.toNanos()) {
            sink.emit(SseEvent.builder().comment("keep-alive").build());
            lastWrite = System.nanoTime();
          }
          Thread.sleep(POLL);
        }
      }
    } catch (UncheckedIOException
        | io.helidon.webserver.CloseConnectionException
        | com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.log(System.Logger.Level.DEBUG, "log stream of job " + job.id() + " closed: " + e);
    }
  }

  private static String step(Call c) {
    String s = c.req().query().first("step").orElse(null);
    if (s != null && !STEP.matcher(s).matches()) {
      throw ApiException.bad("step must be a step name, not '" + s + "'");
    }
    return s;
  }

  private static long after(Call c) {
    String v = c.req().query().first("after").orElse("0");
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.bad("after must be a log chunk id (a number)");
    }
  }

  private Job find(Call c) {
    String id = c.param("id");
    return ctx.jobs().get(id).orElseThrow(() -> ApiException.notFound("job " + id));
  }
}
