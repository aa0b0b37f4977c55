/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.Recipe;

/**
 * Turns a valid recipe into the ordered generic steps the dispatcher runs: shorthands become tool
 * steps with documented arguments, variables are substituted, and (with a resolver) every image and
 * artifact reference is pinned to its digest. Errors are located in the recipe.
 */
public interface RecipeExpander {

  /** An expander with the default tool images ({@code plinth/tools/<name>:1}). */
  static RecipeExpander create() {
    return new DefaultRecipeExpander(ToolImages.defaults());
  }

  /** An expander with these tool images. */
  static RecipeExpander create(ToolImages tools) {
    return new DefaultRecipeExpander(tools);
  }

  /** Expands without touching the registry: references stay as written. */
  ExpandResult expand(Recipe recipe, SourceMap source, Variables variables);

  /**
   * Expands and pins every reference (tool images, OS images, WIMs, firmware, run images) to the
   * digest {@code resolver} gives; a reference it does not know is an error at its location.
   */
  ExpandResult expand(
      Recipe recipe, SourceMap source, Variables variables, ReferenceResolver resolver);
}
