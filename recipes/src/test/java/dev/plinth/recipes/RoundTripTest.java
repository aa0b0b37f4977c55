/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.recipes.model.Recipe;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Parse, write (JSON and YAML), parse gives the same recipe, even for values YAML likes to retype.
 */
class RoundTripTest {
  private static final String TRICKY =
      """
      apiVersion: plinth.dev/v1
      kind: Recipe
      metadata:
        name: tricky
        description: "  leading spaces, a # hash, a: colon"
        labels:
          bool: "true"
          nothing: "null"
          tilde: "~"
          number: "123"
          hex: "0x10"
          float: "1.5e3"
          yes: "yes"
          on: "on"
          multi: "line one\\nline two"
          unicode: "Grüße, 東京"
      inputs:
        token: {description: "a token", pattern: "[a-z]{3,}"}
      disk:
        match: {serial: "000123", wwn: "0x5002538e4098b1a2", rotational: true, transport: sas}
        prefer: largest
      steps:
        - name: run
          timeout: 90s
          retries: 3
          onFailure: continue
          run:
            image: "tools/x@sha256:0000000000000000000000000000000000000000000000000000000000000000"
            args: ["", "-", "--flag=${inputs.token}", "'quoted'", "a: b", "- item", "[x]", "{y}"]
            env: {EMPTY: "", SECRET: {secretRef: s}}
            devices: [target-disk, all-disks]
            privileged: true
        - name: cfg
          timeout: 120m
          configDrive:
            format: ignition
            ignition:
              ignition: {version: "3.4.0"}
              storage:
                files:
                  - {path: /etc/hostname, mode: 420, overwrite: true, contents: {source: "data:,${machine.name}"}}
                  - {path: /etc/x, mode: 0.5, nothing: null, big: 123456789012345678901234567890}
            target: {partition: boot}
      final: {action: stay}
      """;

  private static Recipe parse(String text, String name) {
    ParseResult r = RecipeParser.create().parse(text.getBytes(StandardCharsets.UTF_8), name);
    assertThat(r.errors()).as("errors in %s:%n%s", name, text).isEmpty();
    return ((ParseResult.Valid) r).recipe();
  }

  @Test
  void trickyValuesSurviveJsonAndYaml() {
    Recipe first = parse(TRICKY, "tricky.yaml");
    String json = RecipeWriter.toJson(first);
    String yaml = RecipeWriter.toYaml(first);
    assertThat(parse(json, "tricky.json")).isEqualTo(first);
    assertThat(parse(yaml, "tricky-written.yaml")).isEqualTo(first);
    assertThat(RecipeWriter.toJson(parse(yaml, "again.yaml"))).isEqualTo(json);
    assertThat(first.metadata().labels()).containsEntry("bool", "true").containsEntry("tilde", "~");
  }

  @Test
  void writingIsDeterministic() {
    Recipe r = parse(TRICKY, "tricky.yaml");
    assertThat(RecipeWriter.toYaml(r)).isEqualTo(RecipeWriter.toYaml(parse(TRICKY, "b.yaml")));
    assertThat(RecipeWriter.toJson(r)).endsWith("}\n").doesNotContain("\r");
  }
}
