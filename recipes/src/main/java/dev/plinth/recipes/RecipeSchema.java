/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The recipe JSON Schema (2020-12) as published: {@code plinth recipe schema} prints it and the API
 * serves it at {@code /api/v1/schemas/recipe} with {@link #MEDIA_TYPE}.
 */
public final class RecipeSchema {
  /** The schema's version; additive changes raise the minor number only. */
  public static final String VERSION = "1.0";

  /** The schema's {@code $id}. */
  public static final String ID = "https://plinth.dev/schemas/recipe/v1.json";

  /** The media type to serve it with. */
  public static final String MEDIA_TYPE = "application/schema+json";

  static final String RESOURCE = "recipe.schema.json";

  private RecipeSchema() {}

  /** A fresh stream of the schema's bytes (UTF-8 JSON); the caller closes it. */
  public static InputStream open() {
    InputStream in = RecipeSchema.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("recipe.schema.json is missing from the recipes jar");
    }
    return in;
  }

  /** The schema's bytes (UTF-8 JSON, about 10 KiB). */
  public static byte[] bytes() {
    try (InputStream in = open()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
