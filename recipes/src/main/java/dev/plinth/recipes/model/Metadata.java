/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Who a recipe is: its name, a description, and labels for selection. */
public record Metadata(String name, String description, SortedMap<String, String> labels) {
  public Metadata {
    description = description == null ? "" : description;
    labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
  }

  /** Metadata with only a name. */
  public static Metadata named(String name) {
    return new Metadata(name, "", new TreeMap<>(Map.of()));
  }

  @Override
  public SortedMap<String, String> labels() {
    return new TreeMap<>(labels);
  }
}
