/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources/golden/recipes}: a test compares exact bytes. Run
 * with {@code -Dplinth.golden.update=true} to rewrite them after a deliberate change, then review
 * the diff.
 */
final class Golden {
  static final Path DIR = Path.of("src/test/resources/golden/recipes");

  private Golden() {}

  static void assertMatches(String name, byte[] actual) throws IOException {
    Path file = DIR.resolve(name);
    if (Boolean.getBoolean("plinth.golden.update")) {
      Files.createDirectories(file.getParent());
      Files.write(file, actual);
    }
    assertThat(file).as("golden file %s (update with -Dplinth.golden.update=true)", file).exists();
    assertThat(new String(actual, StandardCharsets.UTF_8))
        .as("golden file %s", file)
        .isEqualTo(Files.readString(file));
  }

  static byte[] read(String name) throws IOException {
    return Files.readAllBytes(DIR.resolve(name));
  }
}
