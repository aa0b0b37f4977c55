/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import java.util.List;

/** Validates a submitted recipe (schema, then meaning) before a job is created. */
public interface RecipeCheck {

  /**
   * One problem with a recipe.
   *
   * @param path a JSON pointer to the offending value
   * @param line the line in the submitted text, or 0
   */
  record Problem(String path, int line, String message) {}

  /** Problems with the recipe text (YAML or JSON); empty when it may run. */
  List<Problem> check(byte[] recipe);
}
