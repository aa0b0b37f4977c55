/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.Recipe;
import java.util.List;

/** What {@link RecipeParser} returns: a valid recipe with its positions, or every error found. */
public sealed interface ParseResult {

  /** The errors; empty for a valid recipe. */
  List<RecipeError> errors();

  /** A recipe that passed the schema and the semantic checks. */
  record Valid(Recipe recipe, SourceMap source) implements ParseResult {
    @Override
    public List<RecipeError> errors() {
      return List.of();
    }
  }

  /** A recipe with errors, sorted by position. Never empty. */
  record Invalid(List<RecipeError> errors) implements ParseResult {
    public Invalid {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an invalid recipe has at least one error");
      }
    }
  }
}
