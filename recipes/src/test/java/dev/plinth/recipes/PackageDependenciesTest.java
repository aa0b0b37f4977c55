/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's package rules (docs/recipes.md): {@code model} depends on the JDK only, {@code plan}
 * on the JDK and {@code model}; only {@code dev.plinth.recipes} uses Jackson and the validator.
 */
class PackageDependenciesTest {
  private static final Path SRC = Path.of("src/main/java/dev/plinth/recipes");
  private static final Pattern IMPORT =
      Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);

  private static List<String> imports(String pkg) throws IOException {
    try (Stream<Path> s = Files.list(SRC.resolve(pkg))) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .flatMap(
              p -> {
                try {
                  Matcher m = IMPORT.matcher(Files.readString(p));
                  return m.results().map(r -> p.getFileName() + ": " + r.group(2));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  @Test
  void modelDependsOnTheJdkOnly() throws IOException {
    assertThat(imports("model")).isNotEmpty().allMatch(i -> i.contains(": java."));
  }

  @Test
  void planDependsOnTheJdkAndTheModelOnly() throws IOException {
    assertThat(imports("plan"))
        .isNotEmpty()
        .allMatch(i -> i.contains(": java.") || i.contains(": dev.plinth.recipes.model."));
  }
}
