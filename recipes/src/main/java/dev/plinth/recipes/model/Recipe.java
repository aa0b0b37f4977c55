/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A recipe v1 ({@code apiVersion: plinth.dev/v1}, {@code kind: Recipe}): what a machine should
 * become. Built by {@code RecipeParser} only after the schema and the semantic checks passed.
 */
public record Recipe(
    Metadata metadata,
    SortedMap<String, InputSpec> inputs,
    DiskSelection disk,
    List<Step> steps,
    FinalAction finalAction) {

  /** The only API version this model reads and writes. */
  public static final String API_VERSION = "plinth.dev/v1";

  /** The kind. */
  public static final String KIND = "Recipe";

  public Recipe {
    inputs = new TreeMap<>(inputs);
    disk = disk == null ? DiskSelection.defaults() : disk;
    steps = List.copyOf(steps);
    finalAction = finalAction == null ? FinalAction.REBOOT : finalAction;
  }

  @Override
  public SortedMap<String, InputSpec> inputs() {
    return new TreeMap<>(inputs);
  }
}
