/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.Job;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.function.Function;

/**
 * The repositories a job pulls from, for the registry's per-job scoping: read from the job's {@link
 * JobPlan} (every image reference its recipe resolved at submit: the steps' tool images, and the OS
 * images, WIMs and firmware they pull), never from the recipe.
 */
public final class RecipeRepositories implements Function<Job, Set<String>> {

  private static final System.Logger LOG = System.getLogger(RecipeRepositories.class.getName());

  private final TaskIsos isos;

  /** Reads each job's plan through {@code isos} (which compiles a job stored without one). */
  public RecipeRepositories(TaskIsos isos) {
    this.isos = isos;
  }

  /** The repositories of a plan. */
  public static Set<String> of(JobPlan plan) {
    return Set.copyOf(plan.repositories());
  }

  /** The repositories of {@code job}'s plan; none (every pull refused) when it has no plan. */
  @Override
  public Set<String> apply(Job job) {
    try {
      return of(isos.plan(job));
    } catch (TaskBuilder.TaskException e) {
      LOG.log(Level.WARNING, "job {0}: no plan, no registry access: {1}", job.id(), e.getMessage());
      return Set.of();
    }
  }
}
