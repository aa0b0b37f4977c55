/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Validates a submitted recipe. The recipes module's validator plugs in here; the controller ships
 * {@link BasicRecipeCheck} until then.
 */
public interface RecipeCheck {

  /**
   * One problem with a recipe.
   *
   * @param path a JSON pointer to the offending value
   */
  record Problem(String path, String message) {}

  /** Problems with {@code recipe}; empty when it may run. */
  List<Problem> check(JsonNode recipe);
}
