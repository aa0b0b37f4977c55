/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.recipes.model.ByteSize;
import dev.plinth.recipes.model.FinalAction;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.recipes.model.WireNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelTest {
  private static final String D = "sha256:" + "ab".repeat(32);

  @Test
  void imageRefsParseAndPrintTheirWireForm() {
    assertThat(ImageRef.parse("os/ubuntu:24.04"))
        .isEqualTo(new ImageRef("os/ubuntu", "24.04", null));
    assertThat(ImageRef.parse("os/ubuntu@" + D).tag()).isNull();
    assertThat(ImageRef.parse("a/b:1@" + D).toString()).isEqualTo("a/b:1@" + D);
    assertThat(ImageRef.parse("a/b:1").withDigest(D).toString()).isEqualTo("a/b@" + D);
    assertThat(ImageRef.parse("a/b:1").isPinned()).isFalse();
    assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("a/b"));
    assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("A/b:1"));
    assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("a/b:-x"));
    assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("a/b@sha256:12"));
  }

  @Test
  void sizesKnowTheirBytes() {
    assertThat(ByteSize.parse("512MiB").bytes()).isEqualTo(512L << 20);
    assertThat(ByteSize.parse("2TB").bytes()).isEqualTo(2_000_000_000_000L);
    assertThat(ByteSize.parse("999999TiB").bytes()).isPositive();
    assertThat(ByteSize.parse("1GiB")).isGreaterThan(ByteSize.parse("1GB"));
    assertThat(ByteSize.human(1536L << 20)).isEqualTo("1.5 GiB");
    assertThat(ByteSize.human(12)).isEqualTo("12 B");
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("1Gb"));
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("0MiB"));
  }

  @Test
  void enumsHaveKebabCaseWireNames() {
    assertThat(WireNames.of(FinalAction.POWER_OFF)).isEqualTo("power-off");
    assertThat(WireNames.parse(FinalAction.class, "stay")).isEqualTo(FinalAction.STAY);
    assertThrows(IllegalArgumentException.class, () -> WireNames.parse(FinalAction.class, "halt"));
  }

  @Test
  void templatesFindAndSubstituteVariables() {
    List<Template.Problem> problems = new ArrayList<>();
    assertThat(Template.variables("a ${machine.name} $${not} ${ inputs.x }", problems))
        .containsExactly("machine.name", "inputs.x");
    assertThat(problems).isEmpty();
    assertThat(Template.check("machine.macs[3]", Set.of())).isNull();
    assertThat(Template.check("inputs.x", Set.of("x"))).isNull();
    assertThat(Template.check("secret.x", Set.of()).message()).startsWith("secrets are never");
    List<String> unresolved = new ArrayList<>();
    assertThat(Template.substitute("${a}-${b}-$${c}", e -> e.equals("a") ? "1" : null, unresolved))
        .isEqualTo("1-${b}-${c}");
    assertThat(unresolved).containsExactly("b");
  }

  @Test
  void errorsFormatLikeACompiler() {
    RecipeError e = new RecipeError("r.yaml", 3, 7, "/kind", "bad", "good");
    assertThat(e.format()).isEqualTo("r.yaml:3:7: error: bad [at /kind]\n  expected: good");
    assertThat(new RecipeError(null, 0, 0, null, "m", null).format())
        .isEqualTo("<recipe>: error: m");
    assertThat(SourceMap.escape("a/b~c")).isEqualTo("a~1b~0c");
    assertThat(SourceMap.empty("x").error("/a/b", "m", "e").where()).isEqualTo("x");
  }

  @Test
  void aPlanThatIsNotAPlanIsRefusedClearly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PlanJson.read("{\"kind\":\"Recipe\"}".getBytes(StandardCharsets.UTF_8)));
    assertThat(e.getMessage()).contains("not an execution plan");
    assertThrows(
        IllegalArgumentException.class, () -> PlanJson.read("{".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new Limits(0, 1, 1, 1, 1));
    ParseResult r =
        RecipeParser.create(new Limits(10, 32, 1, 100, 100))
            .parse("kind: Recipe\n".getBytes(StandardCharsets.UTF_8), "small.yaml");
    assertThat(r.errors().get(0).message()).contains("more than the limit of 10 bytes");
  }
}
