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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The controller's one recipe compiler: the only class that calls the recipes module's parser and
 * expander ({@code RecipeCompiledOnceTest} holds it to that, and counts its parses). At submit it
 * parses and checks the recipe once ({@link #parse}), then expands it for the job's machine, id and
 * inputs and pins every reference through the registry ({@link #compile}): the {@link JobPlan}
 * stored with the job.
 *
 * <p>Parses are kept: a fleet submits the same recipe text for every machine, and its parse (YAML,
 * the JSON schema, the semantic checks: a third of a submission's CPU) depends on the text alone.
 * The last {@value #KEPT_PARSES} valid parses of texts up to 64 KiB are kept by the SHA-256 of the
 * text; what depends on the job (its variables, inputs, and the digests its tags point to now) is
 * still compiled and pinned for every job by {@link #compile}.
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

  /** How many valid parses are kept, by the SHA-256 of the recipe text. */
  static final int KEPT_PARSES = 32;

  private static final int KEPT_MAX_BYTES = 64 * 1024;

  private static final LongAdder PARSES = new LongAdder();

  private final RecipeParser parser = RecipeParser.create();
  private final RecipeExpander expander = RecipeExpander.create();
  private final Supplier<ReferenceResolver> resolver;
  private final LongAdder parserRuns = new LongAdder();
  private final ReentrantLock keptLock = new ReentrantLock();

  // Access-ordered: the least recently used parse is dropped first. Guarded by keptLock.
  private final Map<String, ParseResult.Valid> kept =
      new LinkedHashMap<>(KEPT_PARSES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ParseResult.Valid> eldest) {
          return size() > KEPT_PARSES;
        }
      };

  /**
   * @param resolver the registry that pins references to digests; it may give null while the
   *     controller starts (then {@link #compile} throws {@link NotReady})
   */
  public PlanCompiler(Supplier<ReferenceResolver> resolver) {
    this.resolver = resolver;
  }

  /**
   * How many recipes every compiler in this process was asked to parse (a test's regression guard),
   * whether the parse was kept from an earlier one or not.
   */
  public static long parses() {
    return PARSES.sum();
  }

  /** How many times this compiler ran the recipes module's parser. */
  long parserRuns() {
    return parserRuns.sum();
  }

  /**
   * Parses and checks recipe text (YAML or JSON): the schema, then the semantic checks. A text
   * parsed valid before (byte for byte) gives the same result without parsing again: the result is
   * immutable, and depends on the text alone.
   */
  public ParseResult parse(byte[] source) {
    PARSES.increment();
    if (source.length > KEPT_MAX_BYTES) {
      parserRuns.increment();
      return parser.parse(source, "recipe");
    }
    String key = sha256(source);
    keptLock.lock();
    try {
      ParseResult.Valid v = kept.get(key);
      if (v != null) {
        return v;
      }
    } finally {
      keptLock.unlock();
    }
    parserRuns.increment();
    ParseResult r = parser.parse(source, "recipe");
    if (r instanceof ParseResult.Valid v) {
      keptLock.lock();
      try {
        kept.put(key, v);
      } finally {
        keptLock.unlock();
      }
    }
    return r;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
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
