/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.plan.ExecutionPlan;
import java.util.List;

/**
 * What {@link RecipeExpander} returns: the plan, or every error (unresolved variables, unknown
 * references).
 */
public sealed interface ExpandResult {

  /** The errors; empty when expanded. */
  List<RecipeError> errors();

  /** The plan the dispatcher runs. */
  record Expanded(ExecutionPlan plan) implements ExpandResult {
    @Override
    public List<RecipeError> errors() {
      return List.of();
    }
  }

  /** Why the recipe could not be expanded for this job. Never empty. */
  record Failed(List<RecipeError> errors) implements ExpandResult {
    public Failed {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a failed expansion has at least one error");
      }
    }
  }
}
