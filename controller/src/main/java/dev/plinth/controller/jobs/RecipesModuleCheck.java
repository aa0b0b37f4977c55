/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.recipes.ParseResult;
import java.util.List;

/**
 * Recipe v1 validation by the recipes module (schema, then the semantic checks) through the
 * controller's one {@link PlanCompiler}: {@code POST /api/v1/recipes/validate}. A submission does
 * not come here: {@link JobService} parses it once and compiles its plan from that parse.
 */
public final class RecipesModuleCheck implements RecipeCheck {

  // No resolver: validation parses and checks; it never compiles a plan.
  private final PlanCompiler compiler = new PlanCompiler(() -> null);

  @Override
  public List<Problem> check(byte[] recipe) {
    ParseResult r = compiler.parse(recipe);
    return r.errors().stream()
        .map(
            e ->
                new Problem(
                    e.pointer(),
                    e.line(),
                    e.column(),
                    e.expected().isEmpty()
                        ? e.message()
                        : e.message() + " (expected: " + e.expected() + ")"))
        .toList();
  }
}
