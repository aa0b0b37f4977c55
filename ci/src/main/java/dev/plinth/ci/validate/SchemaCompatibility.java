/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.plinth.ci.build.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Recipe schema compatibility with N-1 (design 034 "Schema stability"): the representative recipes
 * ({@code recipes/examples/*.yaml}) validate against the current schema and the previous release's
 * (the schema file at the last {@code v*} tag, read from git).
 */
final class SchemaCompatibility {

  static final String SCHEMA = "recipes/src/main/resources/dev/plinth/recipes/recipe.schema.json";

  private SchemaCompatibility() {}

  /** The previous release: the newest {@code v*} tag reachable from HEAD, or null. */
  static String previousRelease(Path repo) {
    try {
      return Proc.output(repo, "git", "describe", "--tags", "--abbrev=0", "--match", "v*", "HEAD");
    } catch (IOException none) {
      return null;
    }
  }

  /** The problems found, one line each naming the recipe and the schema; empty when compatible. */
  static List<String> check(Path repo, String previousRef, List<String> notes) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> problems = new ArrayList<>();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    Schema current = registry.getSchema(json.readTree(repo.resolve(SCHEMA).toFile()));
    Schema previous = null;
    if (previousRef != null) {
      String text = Proc.output(repo, "git", "show", previousRef + ":" + SCHEMA);
      previous = registry.getSchema(json.readTree(text));
      notes.add("N-1 = the schema at " + previousRef);
    } else {
      notes.add("no v* release tag yet: N-1 check has no previous schema (current only)");
    }
    YAMLMapper yaml = new YAMLMapper();
    List<Path> recipes;
    try (Stream<Path> s = Files.list(repo.resolve("recipes/examples"))) {
      recipes = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path r : recipes) {
      JsonNode doc = yaml.readTree(r.toFile());
      for (Error e : current.validate(doc)) {
        problems.add(repo.relativize(r) + ": current schema: " + e.getMessage());
      }
      if (previous != null) {
        for (Error e : previous.validate(doc)) {
          problems.add(repo.relativize(r) + ": schema of " + previousRef + ": " + e.getMessage());
        }
      }
    }
    notes.add(recipes.size() + " representative recipes (recipes/examples)");
    return problems;
  }
}
