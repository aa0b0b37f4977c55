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
 * The e2e recipe (src/test/resources/e2e/linux-qemu.yaml, built for tools-images/ci-os) is valid
 * and expands to the tool steps that install the CI test OS.
 */
class LinuxQemuRecipeTest {
  /** The recipe, on the test class path (src/test/resources/e2e/linux-qemu.yaml). */
  static final String RECIPE = "/e2e/linux-qemu.yaml";

  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void recipeValidatesAndExpandsToTheToolSteps() throws IOException {
    byte[] yaml;
    try (InputStream in = LinuxQemuRecipeTest.class.getResourceAsStream(RECIPE)) {
      assertThat(in).as(RECIPE).isNotNull();
      yaml = in.readAllBytes();
    }
    ParseResult r = RecipeParser.create().parse(yaml, "linux-qemu.yaml");
    assertThat(r.errors()).isEmpty();
    ParseResult.Valid v = (ParseResult.Valid) r;
    Variables job =
        Variables.builder()
            .machineName("qemu-01")
            .machineId("m-1")
            .machineSerial("QEMU-1")
            .macs(List.of("52:54:00:12:34:56"))
            .jobId("job-42")
            .build();
    ExpandResult e =
        RecipeExpander.create().expand(v.recipe(), v.source(), job, ref -> Optional.of(DIGEST));
    assertThat(e.errors()).isEmpty();
    ExecutionPlan plan = ((ExpandResult.Expanded) e).plan();
    assertThat(plan.steps())
        .extracting(ExpandedStep::name)
        .containsSubsequence("partition", "rootfs", "grub", "cloud-init");
    assertThat(step(plan, "rootfs").args())
        .contains("--format", "tar", "--compression", "zstd", "partition=root")
        .anyMatch(a -> a.startsWith("ci-only/os/linux-rootfs"));
    assertThat(step(plan, "grub").args())
        .contains("plinth.marker=e2e-job-42", "plinth.callback=off", "console=ttyS0,115200");
    assertThat(plan.disk()).isPresent();
  }

  private static ExpandedStep step(ExecutionPlan plan, String name) {
    return plan.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
