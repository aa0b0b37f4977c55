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
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeError;
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

  private final JobLifecycle lifecycle;
  private final SecretBox box;
  private final JobSettings settings;
  private final InstantSource clock;
  private final Runnable wake;
  private final PlanCompiler compiler;

  /**
   * @param wake called after a change the engine should act on at once
   * @param resolver the registry that pins references at submit; it may give null while the
   *     controller starts, and then a submit is refused with {@link PlanCompiler.NotReady}
   */
  public JobService(
      JobStore jobs,
      SecretBox box,
      JobSettings settings,
      InstantSource clock,
      Runnable wake,
      Supplier<ReferenceResolver> resolver) {
    this(jobs, box, settings, clock, wake, new PlanCompiler(resolver));
  }

  /** A service that compiles recipes with {@code compiler}. */
  public JobService(
      JobStore jobs,
      SecretBox box,
      JobSettings settings,
      InstantSource clock,
      Runnable wake,
      PlanCompiler compiler) {
    this.lifecycle = new JobLifecycle(jobs, settings, clock);
    this.box = box;
    this.settings = settings;
    this.clock = clock;
    this.wake = wake;
    this.compiler = compiler;
  }

  /**
   * Parses and checks a submitted recipe (schema, then meaning): the first half of a submission,
   * before the machine is looked up. Its result goes to {@link #submit(Machine, JsonNode,
   * ParseResult.Valid, Map)}: the recipe is parsed once.
   */
  public ParseResult parse(byte[] source) {
    return compiler.parse(source);
  }

  /**
   * Parses, then {@link #submit(Machine, JsonNode, ParseResult.Valid, Map)}.
   *
   * @param recipe the recipe as stored (JSON)
   * @param source the recipe as submitted (YAML or JSON): errors are located in it
   * @throws RecipeRejected listing every problem when the recipe cannot run as submitted
   */
  public Job submit(Machine m, JsonNode recipe, byte[] source, Map<String, String> inputs) {
    ParseResult parsed = parse(source);
    if (!(parsed instanceof ParseResult.Valid v)) {
      throw new RecipeRejected(parsed.errors());
    }
    return submit(m, recipe, v, inputs);
  }

  /**
   * Compiles the recipe for this machine, job id and inputs ({@link PlanCompiler}: variables
   * substituted, inputs checked, every reference pinned to its digest in the registry now) and
   * creates a Pending job with that plan, in one transaction.
   *
   * @param recipe the recipe as stored (JSON)
   * @param parsed the recipe as submitted, parsed by {@link #parse}
   * @throws RecipeRejected listing every problem when the recipe cannot run as submitted
   * @throws PlanCompiler.NotReady while the controller starts
   * @throws dev.plinth.controller.store.ConflictException when the machine has an active job
   */
  public Job submit(
      Machine m, JsonNode recipe, ParseResult.Valid parsed, Map<String, String> inputs) {
    Instant now = clock.instant();
    String id = Ids.timeOrdered("j", now);
    PlanCompiler.Result compiled = compiler.compile(parsed, m, id, inputs);
    if (!(compiled instanceof PlanCompiler.Result.Compiled c)) {
      throw new RecipeRejected(compiled.errors());
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
    Job stored = lifecycle.create(j, c.plan().json());
    wake.run();
    return stored;
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
