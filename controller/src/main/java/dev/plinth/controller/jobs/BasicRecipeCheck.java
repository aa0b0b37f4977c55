/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The envelope of Recipe v1 the controller itself relies on: {@code apiVersion: plinth.dev/v1},
 * {@code kind: Recipe}, {@code metadata.name}, and a non-empty {@code spec.steps} whose entries
 * have unique names. The step types' own schemas are the recipes module's to check.
 */
public final class BasicRecipeCheck implements RecipeCheck {

  @Override
  public List<Problem> check(JsonNode r) {
    List<Problem> p = new ArrayList<>();
    if (r == null || !r.isObject()) {
      p.add(new Problem("", "a recipe is a JSON or YAML object"));
      return p;
    }
    if (!"plinth.dev/v1".equals(r.path("apiVersion").asText())) {
      p.add(new Problem("/apiVersion", "must be plinth.dev/v1"));
    }
    if (!"Recipe".equals(r.path("kind").asText())) {
      p.add(new Problem("/kind", "must be Recipe"));
    }
    if (r.path("metadata").path("name").asText("").isBlank()) {
      p.add(new Problem("/metadata/name", "is required"));
    }
    JsonNode steps = r.path("spec").path("steps");
    if (!steps.isArray() || steps.isEmpty()) {
      p.add(new Problem("/spec/steps", "must list at least one step"));
      return p;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < steps.size(); i++) {
      JsonNode s = steps.get(i);
      String name = s.path("name").asText("");
      if (name.isBlank()) {
        p.add(new Problem("/spec/steps/" + i + "/name", "is required"));
      } else if (!names.add(name)) {
        p.add(new Problem("/spec/steps/" + i + "/name", "'" + name + "' is used twice"));
      }
    }
    return p;
  }
}
