/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.Machine;
import dev.plinth.recipes.ExpandResult;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeExpander;
import dev.plinth.recipes.RecipeParser;
import dev.plinth.recipes.Variables;
import dev.plinth.recipes.model.ImageRef;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The repositories a job's recipe pulls from: every image reference the recipe resolves once it is
 * expanded for this job (the steps' tool images, and the OS images, WIMs and firmware they pull),
 * as the task builder expands it. Tags need no registry here: only the repository part matters, so
 * references are pinned to a placeholder digest.
 */
public final class RecipeRepositories {

  private static final String PLACEHOLDER = "sha256:" + "0".repeat(64);

  private RecipeRepositories() {}

  /** The repositories of {@code job}'s recipe expanded with the job's machine, id and inputs. */
  public static Set<String> of(Job job) {
    Variables.Builder b =
        Variables.builder()
            .machineName(job.machineName())
            .machineId(job.machineId())
            .jobId(job.id());
    job.inputs().forEach(b::input);
    return of(job.recipe(), b.build());
  }

  /**
   * The repositories of {@code job}'s recipe expanded with the same variables as its task
   * (inventory included) when its machine is known.
   */
  public static Set<String> of(Job job, Optional<Machine> machine) {
    return machine.isPresent()
        ? of(job.recipe(), JobVariables.of(machine.get(), job.id(), job.inputs()))
        : of(job);
  }

  /** The repositories, or none when the recipe does not parse or expand with {@code vars}. */
  public static Set<String> of(String recipe, Variables vars) {
    ParseResult parsed =
        RecipeParser.create().parse(recipe.getBytes(StandardCharsets.UTF_8), "recipe");
    if (!(parsed instanceof ParseResult.Valid v)) {
      return Set.of();
    }
    Set<String> repos = new TreeSet<>();
    ExpandResult r =
        RecipeExpander.create()
            .expand(
                v.recipe(),
                v.source(),
                vars,
                ref -> {
                  repos.add(ref.repository());
                  return java.util.Optional.of(ref.digest() != null ? ref.digest() : PLACEHOLDER);
                });
    if (!(r instanceof ExpandResult.Expanded e)) {
      return Set.of();
    }
    // Tool images and what steps pull through them (OS images, WIMs, firmware) all went through
    // the resolver; the step images are added again in case a step names a pinned one verbatim.
    for (var s : e.plan().steps()) {
      repos.add(ImageRef.parse(s.image()).repository());
    }
    return Set.copyOf(repos);
  }
}
