/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.Machine;
import dev.plinth.recipes.ExpandResult;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeError;
import dev.plinth.recipes.RecipeExpander;
import dev.plinth.recipes.RecipeParser;
import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.recipes.Variables;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.recipes.plan.ExpandedStep;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The controller's one recipe compiler: the only class that calls the recipes module's parser and
 * expander ({@code RecipeCompiledOnceTest} holds it to that, and counts its parses). At submit it
 * parses and checks the recipe once ({@link #parse}), then expands it for the job's machine, id and
 * inputs and pins every reference through the registry ({@link #compile}): the {@link JobPlan}
 * stored with the job.
 */
public final class PlanCompiler {

  /** The result of a compile: the plan, or every problem, located in the recipe. */
  public sealed interface Result {
    /** The problems; empty when compiled. */
    List<RecipeError> errors();

    /** The recipe compiled for this job. */
    record Compiled(JobPlan plan) implements Result {
      @Override
      public List<RecipeError> errors() {
        return List.of();
      }
    }

    /** Why the recipe cannot run as this job. Never empty. */
    record Rejected(List<RecipeError> errors) implements Result {
      public Rejected {
        errors = List.copyOf(errors);
      }
    }
  }

  /** The registry cannot be asked yet (the controller is starting): try again shortly. */
  public static final class NotReady extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotReady() {
      super("the controller is starting and cannot resolve image references yet; try again");
    }
  }

  private static final LongAdder PARSES = new LongAdder();

  private final RecipeParser parser = RecipeParser.create();
  private final RecipeExpander expander = RecipeExpander.create();
  private final Supplier<ReferenceResolver> resolver;

  /**
   * @param resolver the registry that pins references to digests; it may give null while the
   *     controller starts (then {@link #compile} throws {@link NotReady})
   */
  public PlanCompiler(Supplier<ReferenceResolver> resolver) {
    this.resolver = resolver;
  }

  /** How many recipes every compiler in this process has parsed (a test's regression guard). */
  public static long parses() {
    return PARSES.sum();
  }

  /** Parses and checks recipe text (YAML or JSON): the schema, then the semantic checks. */
  public ParseResult parse(byte[] source) {
    PARSES.increment();
    return parser.parse(source, "recipe");
  }

  /**
   * Compiles a parsed recipe as job {@code jobId} on machine {@code m} with these inputs: the
   * variables substituted, the inputs checked against their declarations, every image and artifact
   * reference pinned to the digest the registry gives now.
   */
  public Result compile(
      ParseResult.Valid recipe, Machine m, String jobId, Map<String, String> inputs) {
    return compile(recipe, jobId, m.id(), m.name(), JobVariables.of(m, jobId, inputs));
  }

  /** Parses the recipe stored with a job that has no plan (submitted before plans were stored). */
  public ParseResult parseStored(Job job) {
    return parse(job.recipe().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Compiles a job stored without a plan from its stored recipe ({@link #parseStored}): with its
   * machine's variables when the machine is still known, else with the job's own.
   */
  public Result compileStored(ParseResult.Valid recipe, Job job, Optional<Machine> machine) {
    Variables vars;
    if (machine.isPresent()) {
      vars = JobVariables.of(machine.get(), job.id(), job.inputs());
    } else {
      Variables.Builder b =
          Variables.builder()
              .machineName(job.machineName())
              .machineId(job.machineId())
              .jobId(job.id());
      job.inputs().forEach(b::input);
      vars = b.build();
    }
    return compile(recipe, job.id(), job.machineId(), job.machineName(), vars);
  }

  private Result compile(
      ParseResult.Valid recipe,
      String jobId,
      String machineId,
      String machineName,
      Variables vars) {
    ReferenceResolver r = resolver.get();
    if (r == null) {
      throw new NotReady();
    }
    SortedMap<String, String> images = new TreeMap<>();
    SortedSet<String> repositories = new TreeSet<>();
    ExpandResult e =
        expander.expand(
            recipe.recipe(),
            recipe.source(),
            vars,
            ref -> {
              Optional<String> d = r.resolve(ref);
              if (d != null && d.isPresent()) {
                images.put(ref.toString(), d.get());
                repositories.add(ref.repository());
              }
              return d;
            });
    if (!(e instanceof ExpandResult.Expanded x)) {
      return new Result.Rejected(e.errors());
    }
    // Every step image went through the resolver; added again in case a step names one verbatim.
    for (ExpandedStep s : x.plan().steps()) {
      repositories.add(ImageRef.parse(s.image()).repository());
    }
    return new Result.Compiled(
        new JobPlan(
            JobPlan.VERSION,
            jobId,
            machineId,
            machineName,
            variables(vars),
            images,
            repositories,
            x.plan()));
  }

  /** The job's variable values by the name a recipe writes them with ({@code machine.macs[0]}). */
  private static SortedMap<String, String> variables(Variables v) {
    SortedMap<String, String> m = new TreeMap<>();
    v.machineName().ifPresent(x -> m.put("machine.name", x));
    v.machineId().ifPresent(x -> m.put("machine.id", x));
    v.machineSerial().ifPresent(x -> m.put("machine.serial", x));
    for (int i = 0; i < v.macs().size(); i++) {
      m.put("machine.macs[" + i + "]", v.macs().get(i));
    }
    v.jobId().ifPresent(x -> m.put("job.id", x));
    v.inputs().forEach((k, x) -> m.put("inputs." + k, x));
    return m;
  }
}
