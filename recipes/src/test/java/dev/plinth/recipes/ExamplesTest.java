/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.recipes.model.Recipe;
import dev.plinth.recipes.plan.ExecutionPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExamplesTest {

  static List<Path> examples() throws IOException {
    return Fixtures.examples();
  }

  @Test
  void theFourExamplesExist() throws IOException {
    assertThat(examples().stream().map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder(
            "decommission-wipe.yaml",
            "firmware-update.yaml",
            "linux-rootfs-uefi-grub-cloud-init.yaml",
            "windows-server-wim.yaml");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleValidates(Path file) {
    assertThat(RecipeParser.create().parse(file)).isInstanceOf(ParseResult.Valid.class);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void pinnedExpansionMatchesGolden(Path file) throws IOException {
    ParseResult.Valid v = Fixtures.parseValid(file);
    ExpandResult r =
        RecipeExpander.create()
            .expand(v.recipe(), v.source(), Fixtures.job(v), Fixtures.registry(Set.of()));
    assertThat(r.errors()).isEmpty();
    ExecutionPlan plan = ((ExpandResult.Expanded) r).plan();
    String golden = file.getFileName().toString().replace(".yaml", ".plan.json");
    Golden.assertMatches(golden, PlanJson.write(plan));
    assertThat(PlanJson.read(Golden.read(golden))).isEqualTo(plan);
  }

  @Test
  void windowsLineEndsParseTheSameAndLocateTheSame() throws IOException {
    Path file = Path.of("examples/windows-server-wim.yaml");
    String crlf = java.nio.file.Files.readString(file).replace("\n", "\r\n");
    ParseResult r = RecipeParser.create().parse(crlf.getBytes(StandardCharsets.UTF_8), "crlf.yaml");
    assertThat(((ParseResult.Valid) r).recipe()).isEqualTo(Fixtures.parseValid(file).recipe());
    ParseResult bad =
        RecipeParser.create()
            .parse(
                crlf.replace("index: 4", "index: 0").getBytes(StandardCharsets.UTF_8), "crlf.yaml");
    assertThat(bad.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.where()).isEqualTo("crlf.yaml:34:14"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void canonicalFormMatchesGolden(Path file) throws IOException {
    Recipe recipe = Fixtures.parseValid(file).recipe();
    String golden = file.getFileName().toString().replace(".yaml", ".canonical.json");
    Golden.assertMatches(golden, RecipeWriter.toJson(recipe).getBytes(StandardCharsets.UTF_8));
    ParseResult back = RecipeParser.create().parse(Golden.read(golden), golden);
    assertThat(((ParseResult.Valid) back).recipe()).isEqualTo(recipe);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void parseWriteParseIsStable(Path file) {
    Recipe first = Fixtures.parseValid(file).recipe();
    String json = RecipeWriter.toJson(first);
    ParseResult again =
        RecipeParser.create().parse(json.getBytes(StandardCharsets.UTF_8), "w.json");
    assertThat(again.errors()).isEmpty();
    assertThat(((ParseResult.Valid) again).recipe()).isEqualTo(first);
    assertThat(RecipeWriter.toJson(((ParseResult.Valid) again).recipe())).isEqualTo(json);
    String yaml = RecipeWriter.toYaml(first);
    ParseResult fromYaml =
        RecipeParser.create().parse(yaml.getBytes(StandardCharsets.UTF_8), "w.yaml");
    assertThat(fromYaml.errors()).isEmpty();
    assertThat(((ParseResult.Valid) fromYaml).recipe()).isEqualTo(first);
  }
}
