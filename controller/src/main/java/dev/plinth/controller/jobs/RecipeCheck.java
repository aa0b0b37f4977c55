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
   * @param column the column in the submitted text, or 0
   */
  record Problem(String path, int line, int column, String message) {
    /** A problem without a column. */
    public Problem(String path, int line, String message) {
      this(path, line, 0, message);
    }
  }

  /** Problems with the recipe text (YAML or JSON); empty when it may run. */
  List<Problem> check(byte[] recipe);
}
