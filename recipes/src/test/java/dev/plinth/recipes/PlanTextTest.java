/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.recipes.plan.ExecutionPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code plinth recipe explain}'s text, pinned for every example (variables as written). */
class PlanTextTest {

  static java.util.List<Path> examples() throws IOException {
    return Fixtures.examples();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void explainTextMatchesGolden(Path file) throws IOException {
    ParseResult.Valid v = Fixtures.parseValid(file);
    ExpandResult r =
        RecipeExpander.create().expand(v.recipe(), v.source(), Variables.placeholders());
    ExecutionPlan plan = ((ExpandResult.Expanded) r).plan();
    Golden.assertMatches(
        file.getFileName().toString().replace(".yaml", ".explain.txt"),
        PlanText.render(plan).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void argumentsWithSpacesOrQuotesAreShellQuoted() {
    String yaml =
        """
        apiVersion: plinth.dev/v1
        kind: Recipe
        metadata: {name: t}
        steps:
          - name: echo
            retries: 1
            run: {image: tools/echo:1, args: ["it's here", plain], env: {A: "x y"}}
        """;
    ParseResult.Valid v = (ParseResult.Valid) Fixtures.parse(yaml);
    ExecutionPlan plan =
        ((ExpandResult.Expanded)
                RecipeExpander.create().expand(v.recipe(), v.source(), Variables.placeholders()))
            .plan();
    String text = PlanText.render(plan);
    assertThat(text)
        .contains("recipe t: 1 step, then reboot")
        .contains("args:    'it'\\''s here' plain")
        .contains("env:     A='x y'")
        .contains("timeout 30m, 1 retry, on failure abort")
        .doesNotContain("target disk:");
  }
}
