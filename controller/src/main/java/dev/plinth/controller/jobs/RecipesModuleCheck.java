/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeParser;
import java.util.List;

/** Recipe v1 validation by the recipes module: schema, then the semantic checks. */
public final class RecipesModuleCheck implements RecipeCheck {

  private final RecipeParser parser = RecipeParser.create();

  @Override
  public List<Problem> check(byte[] recipe) {
    ParseResult r = parser.parse(recipe, "recipe");
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
