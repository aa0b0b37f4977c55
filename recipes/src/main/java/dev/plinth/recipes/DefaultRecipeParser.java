/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.Recipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** The checks in order: bytes, syntax, schema, variables, then the model's meaning. */
final class DefaultRecipeParser implements RecipeParser {
  private static final Comparator<RecipeError> ORDER =
      Comparator.comparingInt(RecipeError::line)
          .thenComparingInt(RecipeError::column)
          .thenComparing(RecipeError::pointer)
          .thenComparing(RecipeError::message);

  private final Limits limits;
  private final TreeReader reader;

  DefaultRecipeParser(Limits limits) {
    this.limits = limits;
    this.reader = new TreeReader(limits);
  }

  @Override
  public ParseResult parse(byte[] bytes, String file) {
    List<RecipeError> errors = new ArrayList<>();
    try {
      String text = Decoding.text(bytes, file, limits, errors);
      if (text == null) {
        return invalid(errors);
      }
      TreeReader.Result tree = reader.read(text, file);
      errors.addAll(tree.errors());
      if (tree.root() == null) {
        return invalid(errors);
      }
      List<RecipeError> schema = SchemaCheck.check(tree.root(), tree.map());
      errors.addAll(schema);
      Semantics.variables(tree.root(), tree.map(), errors);
      if (!schema.isEmpty()) {
        Semantics.partial(tree.root(), schema, tree.map(), errors);
        return invalid(errors);
      }
      Recipe recipe = Binder.recipe(tree.root());
      Semantics.model(recipe, tree.map(), errors);
      Semantics.requireDisk(tree.root(), recipe, tree.map(), errors);
      return errors.isEmpty() ? new ParseResult.Valid(recipe, tree.map()) : invalid(errors);
    } catch (RuntimeException | StackOverflowError e) {
      // A bug here must still end in one clear error, never a stack trace for the user.
      errors.add(
          new RecipeError(
              file,
              0,
              0,
              "",
              "internal error while checking the recipe: " + e,
              "no internal error"));
      return invalid(errors);
    }
  }

  @Override
  public ParseResult parse(Path file) {
    String name = file.toString();
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      if (size > limits.maxBytes()) {
        return invalid(List.of(Decoding.tooLarge(name, size, limits)));
      }
      // Read one byte past the limit: a file that grew since size() is still refused.
      byte[] bytes = in.readNBytes(limits.maxBytes() + 1);
      if (bytes.length > limits.maxBytes()) {
        return invalid(List.of(Decoding.tooLarge(name, bytes.length, limits)));
      }
      return parse(bytes, name);
    } catch (NoSuchFileException e) {
      return unreadable(name, "no such file");
    } catch (AccessDeniedException e) {
      return unreadable(name, "permission denied");
    } catch (IOException e) {
      return unreadable(name, String.valueOf(e.getMessage()));
    }
  }

  private static ParseResult unreadable(String name, String why) {
    return invalid(
        List.of(
            new RecipeError(
                name, 0, 0, "", "cannot read the file: " + why, "a readable recipe file")));
  }

  private static ParseResult invalid(List<RecipeError> errors) {
    List<RecipeError> sorted = new ArrayList<>(new LinkedHashSet<>(errors));
    sorted.sort(ORDER);
    return new ParseResult.Invalid(sorted);
  }
}
