/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code src/test/resources/invalid} is a broken recipe whose expected errors are
 * written in the file itself, one per line: {@code # expect: LINE:COLUMN message fragment} (for
 * JSON, which has no comments, in a sidecar {@code NAME.json.expect}). The parser must report
 * exactly those errors (all at once), at those positions.
 */
class InvalidFixturesTest {
  static final Path DIR = Path.of("src/test/resources/invalid");
  private static final Pattern EXPECT =
      Pattern.compile("^# expect: (\\d+):(\\d+) (.+)$", Pattern.MULTILINE);

  record Expected(int line, int column, String fragment) {}

  static List<Path> fixtures() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> !p.toString().endsWith(".expect")).sorted().toList();
    }
  }

  @Test
  void thereAreAtLeastThirtyFixtures() throws IOException {
    assertThat(fixtures()).hasSizeGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void fixtureGivesItsExpectedErrors(Path file) throws IOException {
    Path sidecar = file.resolveSibling(file.getFileName() + ".expect");
    String text = Files.exists(sidecar) ? Files.readString(sidecar) : Files.readString(file);
    List<Expected> expected = new ArrayList<>();
    Matcher m = EXPECT.matcher(text);
    while (m.find()) {
      expected.add(
          new Expected(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
    }
    ParseResult r = RecipeParser.create().parse(file);
    String actual = r.errors().stream().map(RecipeError::format).collect(Collectors.joining("\n"));
    assertThat(expected).as("expectations in %s; the parser said:%n%s", file, actual).isNotEmpty();
    assertThat(r).isInstanceOf(ParseResult.Invalid.class);
    assertThat(r.errors()).as("errors of %s:%n%s", file, actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Expected e = expected.get(i);
      RecipeError got = r.errors().get(i);
      assertThat(got.line() + ":" + got.column())
          .as("position of error %d in %s:%n%s", i + 1, file, actual)
          .isEqualTo(e.line() + ":" + e.column());
      assertThat(got.message() + " | expected: " + got.expected())
          .as("error %d in %s", i + 1, file)
          .contains(e.fragment());
      assertThat(got.expected()).as("every error says what was expected").isNotBlank();
    }
  }
}
