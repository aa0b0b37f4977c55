/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.api.Endpoint.Call;
import dev.plinth.controller.api.Wire.EventOut;
import dev.plinth.controller.api.Wire.JobIn;
import dev.plinth.controller.api.Wire.JobOut;
import dev.plinth.controller.jobs.JobService;
import dev.plinth.controller.jobs.PlanCompiler;
import dev.plinth.controller.jobs.RecipeCheck;
import dev.plinth.controller.security.Role;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobEvent;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.Page;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeError;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.sse.SseSink;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code /api/v1/jobs}: submit, list, get, plan, cancel, events (list and server-sent-event
 * stream), and {@code /api/v1/recipes/validate}.
 */
final class JobsApi implements HttpService {

  private static final System.Logger LOG = System.getLogger(JobsApi.class.getName());

  private static final Duration POLL = Duration.ofMillis(200);

  /** How often an idle event stream is written to (a comment), so a client that left is seen. */
  static Duration heartbeat = Duration.ofSeconds(15);

  /** How many recipe texts are kept read (their JSON form), by text; none longer than 64 KiB. */
  static final int KEPT_RECIPES = 32;

  private static final int KEPT_MAX_CHARS = 64 * 1024;

  private final ApiContext ctx;
  private final ReentrantLock keptLock = new ReentrantLock();

  // The JSON form of recently submitted recipe texts: a fleet submits one text for every machine.
  // Never modified once read (only written out), so one tree serves every job. Guarded by keptLock.
  private final Map<String, JsonNode> kept =
      new LinkedHashMap<>(KEPT_RECIPES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonNode> eldest) {
          return size() > KEPT_RECIPES;
        }
      };

  JobsApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules r) {
    var auth = ctx.auth();
    r.get("/jobs", Endpoint.guarded(auth, Role.VIEWER, this::list));
    r.post("/jobs", Endpoint.guarded(auth, Role.OPERATOR, this::submit));
    r.get("/jobs/{id}", Endpoint.guarded(auth, Role.VIEWER, this::get));
    r.get("/jobs/{id}/plan", Endpoint.guarded(auth, Role.VIEWER, this::plan));
    r.post("/jobs/{id}/cancel", Endpoint.guarded(auth, Role.OPERATOR, this::cancel));
    r.get("/jobs/{id}/events", Endpoint.guarded(auth, Role.VIEWER, this::events));
    r.get("/jobs/{id}/events/stream", Endpoint.guarded(auth, Role.VIEWER, this::stream));
    r.post("/recipes/validate", Endpoint.guarded(auth, Role.VIEWER, this::validate));
  }

  private void list(Call c) {
    var q = c.req().query();
    JobState state = null;
    if (q.first("state").isPresent()) {
      try {
        state = JobState.parse(q.first("state").get());
      } catch (IllegalArgumentException e) {
        throw ApiException.bad(e.getMessage());
      }
    }
    Page<Job> p =
        ctx.jobs()
            .list(
                state,
                q.first("machine").orElse(null),
                q.first("after").orElse(null),
                Endpoint.limit(c.req()));
    ApiJson.send(
        c.res(),
        new Wire.PageOut<>(p.items().stream().map(j -> JobOut.of(j, false)).toList(), p.next()));
  }

  private void submit(Call c) {
    JobIn in = ApiJson.read(c.req(), JobIn.class);
    if (in.machine() == null) {
      throw MachinesApi.invalid("/machine", "is required");
    }
    JsonNode recipe = recipeOf(in.recipe(), in.recipeText());
    byte[] source =
        in.recipeText() != null
            ? in.recipeText().getBytes(java.nio.charset.StandardCharsets.UTF_8)
            : recipe.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // The one parse of this submission: the plan is compiled from it.
    ParseResult parsed = ctx.jobService().parse(source);
    if (!(parsed instanceof ParseResult.Valid valid)) {
      throw invalid("the recipe is invalid: ", parsed.errors());
    }
    Map<String, String> inputs = inputs(in.inputs());
    Machine m =
        ctx.machines()
            .byName(in.machine())
            .orElseThrow(
                () ->
                    MachinesApi.invalid(
                        "/machine", "'" + in.machine() + "' is not a known machine"));
    Job j;
    try {
      j = ctx.jobService().submit(m, recipe, valid, inputs);
    } catch (JobService.RecipeRejected e) {
      throw invalid("the recipe cannot run on " + m.name() + ": ", e.errors());
    } catch (PlanCompiler.NotReady e) {
      throw new ApiException(ProblemType.UNAVAILABLE, e.getMessage());
    }
    c.res().header(HeaderNames.LOCATION, "/api/v1/jobs/" + j.id());
    ApiJson.send(c.res(), Status.CREATED_201, JobOut.of(j, false));
  }

  private void get(Call c) {
    ApiJson.send(c.res(), JobOut.of(find(c), true));
  }

  /** The job's execution plan, as compiled at submit and stored (jobs.JobPlan's JSON form). */
  private void plan(Call c) {
    Job j = find(c);
    String plan =
        ctx.jobs()
            .plan(j.id())
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemType.NOT_FOUND,
                        "job "
                            + j.id()
                            + " has no execution plan yet: it was submitted before plans were"
                            + " stored, and gets one when its task ISO is built or it pulls"
                            + " images"));
    ApiJson.send(c.res(), ApiJson.tree(plan));
  }

  private void cancel(Call c) {
    Job j =
        ctx.jobService()
            .cancel(c.param("id"))
            .orElseThrow(() -> ApiException.notFound("job " + c.param("id")));
    ApiJson.send(c.res(), Status.ACCEPTED_202, JobOut.of(j, false));
  }

  private void events(Call c) {
    find(c);
    long after = after(c);
    List<JobEvent> l = ctx.events().list(c.param("id"), after, Endpoint.limit(c.req()));
    String next = l.isEmpty() ? null : Long.toString(l.getLast().id());
    ApiJson.send(c.res(), new Wire.PageOut<>(l.stream().map(EventOut::of).toList(), next));
  }

  /**
   * Streams the job's events as they are stored, starting after {@code after} (or the Last-Event-ID
   * of a reconnecting client), and ends once the job is finished and every event was sent.
   */
  private void stream(Call c) throws InterruptedException {
    Job job = find(c);
    long cursor =
        c.req()
            .headers()
            .first(HeaderNames.create("Last-Event-ID"))
            .map(Long::parseLong)
            .orElse(after(c));
    long lastWrite = System.nanoTime();
    try (SseSink sink = c.res().sink(SseSink.TYPE)) {
      while (true) {
        List<JobEvent> l = ctx.events().list(job.id(), cursor, 200);
        for (JobEvent e : l) {
          sink.emit(
              SseEvent.builder()
                  .id(Long.toString(e.id()))
                  .name(e.type())
                  .data(ApiJson.MAPPER.writeValueAsString(EventOut.of(e)))
                  .build());
          cursor = e.id();
          lastWrite = System.nanoTime();
        }
        if (l.isEmpty()) {
          if (ctx.jobs().get(job.id()).map(j -> j.state().terminal()).orElse(true)
              && ctx.events().list(job.id(), cursor, 1).isEmpty()) {
            return;
          }
          if (System.nanoTime() - lastWrite > heartbeat.toNanos()) {
            sink.emit(SseEvent.builder().comment("keep-alive").build());
            lastWrite = System.nanoTime();
          }
          Thread.sleep(POLL);
        }
      }
    } catch (UncheckedIOException
        | io.helidon.webserver.CloseConnectionException
        | com.fasterxml.jackson.core.JsonProcessingException e) {
      // The client went away (Ctrl-C on plinth jobs watch): normal, nothing to answer or log.
      LOG.log(System.Logger.Level.DEBUG, "event stream of job " + job.id() + " closed: " + e);
    }
  }

  private void validate(Call c) {
    List<Map<String, String>> errors = problems(ApiJson.body(c.req()));
    ApiJson.send(c.res(), new Wire.ValidationOut(errors.isEmpty(), errors));
  }

  private JsonNode recipeOf(JsonNode recipe, String text) {
    if ((recipe == null) == (text == null)) {
      throw MachinesApi.invalid(
          "/recipe", "give the recipe either as an object (recipe) or as text (recipeText)");
    }
    if (recipe != null) {
      return recipe;
    }
    keptLock.lock();
    try {
      JsonNode read = kept.get(text);
      if (read != null) {
        return read;
      }
    } finally {
      keptLock.unlock();
    }
    JsonNode read = ApiJson.recipe(text);
    if (text.length() > KEPT_MAX_CHARS) {
      return read;
    }
    keptLock.lock();
    try {
      kept.put(text, read);
    } finally {
      keptLock.unlock();
    }
    return read;
  }

  /** A 422 listing every located recipe error; the title names the first. */
  private static ApiException invalid(String title, List<RecipeError> found) {
    List<Map<String, String>> errors =
        found.stream().map(r -> error(r.pointer(), r.line(), r.column(), detail(r))).toList();
    return new ApiException(
        ProblemType.INVALID,
        title + errors.getFirst().get("pointer") + " " + errors.getFirst().get("detail"),
        errors);
  }

  private List<Map<String, String>> problems(byte[] recipe) {
    return ctx.recipes().check(recipe).stream()
        .map((RecipeCheck.Problem p) -> error(p.path(), p.line(), p.column(), p.message()))
        .toList();
  }

  /** One located recipe error as the API shows it (the pointer relative to the request). */
  private static Map<String, String> error(String pointer, int line, int column, String detail) {
    return Map.of(
        "pointer",
        "/recipe" + pointer,
        "line",
        Integer.toString(line),
        "column",
        Integer.toString(column),
        "detail",
        detail);
  }

  private static String detail(RecipeError e) {
    return e.expected().isEmpty() ? e.message() : e.message() + " (expected: " + e.expected() + ")";
  }

  /** The job's inputs: an object whose values are strings (absent: none). */
  private static Map<String, String> inputs(JsonNode in) {
    if (in == null || in.isNull()) {
      return Map.of();
    }
    if (!in.isObject()) {
      throw MachinesApi.invalid("/inputs", "must be an object of strings");
    }
    Map<String, String> out = new TreeMap<>();
    for (var e : in.properties()) {
      if (!e.getValue().isTextual()) {
        throw MachinesApi.invalid(
            "/inputs/" + e.getKey().replace("~", "~0").replace("/", "~1"), "must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private long after(Call c) {
    String v = c.req().query().first("after").orElse("0");
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.bad("after must be an event id (a number)");
    }
  }

  private Job find(Call c) {
    String id = c.param("id");
    return ctx.jobs().get(id).orElseThrow(() -> ApiException.notFound("job " + id));
  }
}
