/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

/**
 * One problem in a recipe, located like a compiler error: file, line and column (1-based; 0 when
 * unknown), the JSON pointer of the value, what is wrong and what was expected ({@code ""} when
 * there is nothing more to say).
 */
public record RecipeError(
    String file, int line, int column, String pointer, String message, String expected) {
  public RecipeError {
    file = file == null ? "<recipe>" : file;
    pointer = pointer == null ? "" : pointer;
    expected = expected == null ? "" : expected;
  }

  /** {@code file:line:column} as editors understand it. */
  public String where() {
    return line > 0 ? file + ":" + line + ":" + column : file;
  }

  /**
   * The compiler-style form: {@code recipe.yaml:12:7: error: message [at /steps/0]}, then {@code
   * expected: ...} on a second line when there is an expectation.
   */
  public String format() {
    String head =
        where() + ": error: " + message + (pointer.isEmpty() ? "" : " [at " + pointer + "]");
    return expected.isEmpty() ? head : head + "\n  expected: " + expected;
  }

  @Override
  public String toString() {
    return format();
  }
}
