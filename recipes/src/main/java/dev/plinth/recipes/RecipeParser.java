/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import java.nio.file.Path;

/**
 * Parses a recipe (YAML or JSON) and checks it: limits and encoding, syntax, the schema, then
 * meaning (variables, unique names, partitions that fit, labels that exist). It reports every error
 * it can find at once, each located; it never throws on bad input and never holds more than {@link
 * Limits#maxBytes()} of it.
 *
 * <p>Image references are checked against the registry by {@link RecipeExpander#expand(
 * dev.plinth.recipes.model.Recipe, SourceMap, Variables, ReferenceResolver)}.
 */
public interface RecipeParser {

  /** A parser with the default {@link Limits}. */
  static RecipeParser create() {
    return new DefaultRecipeParser(Limits.defaults());
  }

  /** A parser with these limits. */
  static RecipeParser create(Limits limits) {
    return new DefaultRecipeParser(limits);
  }

  /** Parses {@code bytes}; {@code file} names the source in errors. */
  ParseResult parse(byte[] bytes, String file);

  /**
   * Parses a file, refusing it before reading when it is larger than the limit. An unreadable file
   * is one error located at the file.
   */
  ParseResult parse(Path file);
}
