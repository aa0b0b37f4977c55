/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Machine;
import dev.plinth.recipes.ExpandResult;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeError;
import dev.plinth.recipes.RecipeExpander;
import dev.plinth.recipes.RecipeParser;
import dev.plinth.recipes.ReferenceResolver;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** What users do to jobs: submit a recipe for a machine, cancel. The engine does the rest. */
public final class JobService {

  /** The recipe cannot run on this machine with these inputs: every problem, located. */
  public static final class RecipeRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<RecipeError> errors;

    public RecipeRejected(List<RecipeError> errors) {
      super(errors.isEmpty() ? "the recipe is invalid" : errors.getFirst().format());
      this.errors = List.copyOf(errors);
    }

    /** Every problem found, each with line, column and JSON pointer. */
    public List<RecipeError> errors() {
      return errors;
    }
  }

  private final RecipeParser parser = RecipeParser.create();
  private final RecipeExpander expander = RecipeExpander.create();

  private final JobLifecycle lifecycle;
  private final SecretBox box;
  private final JobSettings settings;
  private final InstantSource clock;
  private final Runnable wake;
  private final Supplier<ReferenceResolver> resolver;

  /**
   * @param wake called after a change the engine should act on at once
   * @param resolver the registry the task builder pins references with (the same one, so what is
   *     accepted at submit resolves when the job runs); it may give null while the controller
   *     starts, and then references are checked only when the job is prepared
   */
  public JobService(
      JobStore jobs,
      SecretBox box,
      JobSettings settings,
      InstantSource clock,
      Runnable wake,
      Supplier<ReferenceResolver> resolver) {
    this.lifecycle = new JobLifecycle(jobs, settings, clock);
    this.box = box;
    this.settings = settings;
    this.clock = clock;
    this.wake = wake;
    this.resolver = resolver;
  }

  /**
   * Creates a Pending job once the recipe expands for this machine, job id and inputs, with every
   * reference resolved in the registry.
   *
   * @param recipe the recipe as stored (JSON)
   * @param source the recipe as submitted (YAML or JSON): errors are located in it
   * @throws RecipeRejected listing every problem when the recipe cannot run as submitted
   * @throws dev.plinth.controller.store.ConflictException when the machine has an active job
   */
  public Job submit(Machine m, JsonNode recipe, byte[] source, Map<String, String> inputs) {
    Instant now = clock.instant();
    String id = Ids.timeOrdered("j", now);
    List<RecipeError> errors = check(source, m, id, inputs);
    if (!errors.isEmpty()) {
      throw new RecipeRejected(errors);
    }
    JobSecrets s = JobSecrets.create();
    Job j =
        new Job(
            id,
            m.id(),
            m.name(),
            bmcHost(m.bmcUrl()),
            recipe.toString(),
            JobState.PENDING,
            null,
            null,
            now.plus(settings.pending()),
            false,
            TokenHash.of(s.token()),
            s.seal(box, id),
            Ids.secret(""),
            1,
            null,
            null,
            1,
            now,
            now,
            null,
            inputs);
    Job stored = lifecycle.create(j);
    wake.run();
    return stored;
  }

  /**
   * Every problem the recipe has as job {@code jobId} on machine {@code m} with these inputs: the
   * schema and semantic checks, then the expansion (variables, declared inputs and their patterns,
   * references in the registry). Empty when it may run.
   */
  public List<RecipeError> check(
      byte[] source, Machine m, String jobId, Map<String, String> inputs) {
    ParseResult parsed = parser.parse(source, "recipe");
    if (!(parsed instanceof ParseResult.Valid v)) {
      return parsed.errors();
    }
    var vars = JobVariables.of(m, jobId, inputs);
    ReferenceResolver r = resolver.get();
    ExpandResult e =
        r == null
            ? expander.expand(v.recipe(), v.source(), vars)
            : expander.expand(v.recipe(), v.source(), vars, r);
    return e.errors();
  }

  /** Asks for a job to stop; the engine ejects media and marks it Canceled. */
  public Optional<Job> cancel(String id) {
    Optional<Job> j = lifecycle.requestCancel(id);
    wake.run();
    return j;
  }

  /** The BMC's host and port: the unit the per-BMC limit counts. */
  static String bmcHost(String url) {
    URI u = URI.create(url);
    String host = u.getHost() == null ? url : u.getHost();
    return u.getPort() < 0 ? host : host + ":" + u.getPort();
  }
}
