/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.recipes.ExpandResult;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeExpander;
import dev.plinth.recipes.RecipeParser;
import dev.plinth.recipes.Variables;
import dev.plinth.recipes.plan.ExecutionPlan;
import dev.plinth.recipes.plan.ExpandedStep;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Windows e2e recipe (src/test/resources/e2e/windows-qemu.yaml) is valid and expands to the
 * partition, wimapply and windows-bootloader steps that QemuWindowsProvisioningIT runs.
 */
class WindowsQemuRecipeTest {
  static final String RECIPE = "/e2e/windows-qemu.yaml";

  @Test
  void recipeValidatesAndExpandsToTheWimAndBcdSteps() throws IOException {
    byte[] yaml;
    try (InputStream in = WindowsQemuRecipeTest.class.getResourceAsStream(RECIPE)) {
      assertThat(in).as(RECIPE).isNotNull();
      yaml = in.readAllBytes();
    }
    ParseResult r = RecipeParser.create().parse(yaml, "windows-qemu.yaml");
    assertThat(r.errors()).isEmpty();
    ParseResult.Valid v = (ParseResult.Valid) r;
    Variables job =
        Variables.builder()
            .machineName("win1")
            .machineId("m-1")
            .machineSerial("QEMU-1")
            .macs(List.of("52:54:00:12:34:56"))
            .jobId("job-42")
            .build();
    ExpandResult e =
        RecipeExpander.create()
            .expand(v.recipe(), v.source(), job, ref -> Optional.of("sha256:" + "cd".repeat(32)));
    assertThat(e.errors()).isEmpty();
    ExecutionPlan plan = ((ExpandResult.Expanded) e).plan();
    assertThat(plan.steps())
        .extracting(ExpandedStep::name)
        .containsSubsequence("partition", "apply-wim", "boot-manager");
    assertThat(step(plan, "partition").args()).anyMatch(a -> a.contains("ntfs"));
    assertThat(step(plan, "apply-wim").image()).contains("plinth/tools/wimapply");
    assertThat(step(plan, "apply-wim").args())
        .contains("partition=windows")
        .anyMatch(a -> a.startsWith("ci-only/os/minimal-wim"));
    assertThat(step(plan, "boot-manager").image()).contains("plinth/tools/windows-bootloader");
    assertThat(step(plan, "boot-manager").args()).contains("--esp", "ESP", "--windows", "windows");
  }

  private static ExpandedStep step(ExecutionPlan plan, String name) {
    return plan.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
