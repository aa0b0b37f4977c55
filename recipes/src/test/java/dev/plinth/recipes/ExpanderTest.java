/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.recipes.plan.ExecutionPlan;
import dev.plinth.recipes.plan.ExpandedStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpanderTest {
  private static final Path LINUX = Path.of("examples/linux-rootfs-uefi-grub-cloud-init.yaml");
  private static final Path WINDOWS = Path.of("examples/windows-server-wim.yaml");

  private static ExecutionPlan plan(ExpandResult r) {
    assertThat(r.errors()).isEmpty();
    return ((ExpandResult.Expanded) r).plan();
  }

  private static ExpandedStep step(ExecutionPlan p, String name) {
    return p.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void unknownReferencesAreLocatedErrors() {
    ParseResult.Valid v = Fixtures.parseValid(LINUX);
    ExpandResult r =
        RecipeExpander.create()
            .expand(
                v.recipe(),
                v.source(),
                Fixtures.job(v),
                Fixtures.registry(
                    Set.of("os/ubuntu-rootfs:24.04", "plinth/tools/linux-bootloader:1")));
    assertThat(r).isInstanceOf(ExpandResult.Failed.class);
    assertThat(r.errors())
        .extracting(RecipeError::format)
        .containsExactly(
            "examples/linux-rootfs-uefi-grub-cloud-init.yaml:41:12: error: os/ubuntu-rootfs:24.04"
                + " is not in the registry [at /steps/1/image/ref]\n"
                + "  expected: a repository and tag that exist",
            "examples/linux-rootfs-uefi-grub-cloud-init.yaml:46:5: error: the tool image"
                + " plinth/tools/linux-bootloader:1 is not in the registry [at /steps/2]\n"
                + "  expected: the tools images imported (plinth registry import) or pushed");
  }

  @Test
  void eachReferenceIsResolvedOnce() {
    ParseResult.Valid v = Fixtures.parseValid(LINUX);
    List<ImageRef> asked = new ArrayList<>();
    ReferenceResolver counting =
        ref -> {
          asked.add(ref);
          return Optional.of(Fixtures.digest(ref.toString()));
        };
    plan(RecipeExpander.create().expand(v.recipe(), v.source(), Fixtures.job(v), counting));
    assertThat(asked).doesNotHaveDuplicates();
    assertThat(asked.stream().map(ImageRef::toString))
        .contains("plinth/tools/sgdisk:1", "os/ubuntu-rootfs:24.04");
  }

  @Test
  void aDigestTheRegistryDoesNotHoldIsAnError() {
    String d1 = Fixtures.digest("one");
    String yaml =
        """
        apiVersion: plinth.dev/v1
        kind: Recipe
        metadata: {name: t}
        steps:
          - name: fw
            firmware: {vendor: hpe, component: bmc, ref: "fw/ilo@%s"}
        """
            .formatted(d1);
    ParseResult.Valid v = (ParseResult.Valid) Fixtures.parse(yaml);
    ReferenceResolver moved = ref -> Optional.of(Fixtures.digest("two"));
    ExpandResult r =
        RecipeExpander.create().expand(v.recipe(), v.source(), Variables.placeholders(), moved);
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.message())
                  .endsWith("resolves to " + Fixtures.digest("two") + " in the registry");
              assertThat(e.where()).isEqualTo("test.yaml:6:50");
            });
  }

  @Test
  void unresolvedVariablesAreLocatedErrors() {
    ParseResult.Valid v = Fixtures.parseValid(LINUX);
    Variables noMacs = Variables.builder().machineName("n1").input("sshKey", "k").build();
    ExpandResult r = RecipeExpander.create().expand(v.recipe(), v.source(), noMacs);
    assertThat(r.errors())
        .extracting(e -> e.where() + " " + e.message())
        .containsExactly(
            "examples/linux-rootfs-uefi-grub-cloud-init.yaml:59:22 variable ${machine.id} has no"
                + " value for this job",
            "examples/linux-rootfs-uefi-grub-cloud-init.yaml:74:27 variable ${machine.macs[0]}"
                + " has no value for this job");
  }

  @Test
  void aRequiredInputMissingIsAnErrorAtItsDeclaration() {
    ParseResult.Valid v = Fixtures.parseValid(LINUX);
    Variables vars = Variables.builder().machineName("n").machineId("i").macs(List.of("m")).build();
    ExpandResult r = RecipeExpander.create().expand(v.recipe(), v.source(), vars);
    assertThat(r.errors())
        .extracting(e -> e.where() + " " + e.message())
        .contains(
            "examples/linux-rootfs-uefi-grub-cloud-init.yaml:11:3 the job does not supply input"
                + " 'sshKey', which has no default");
  }

  @Test
  void inputsAreCheckedAgainstPatternAndDeclarations() {
    ParseResult.Valid v = Fixtures.parseValid(LINUX);
    Variables vars =
        Variables.builder()
            .machineName("n")
            .machineId("i")
            .macs(List.of("m"))
            .input("sshKey", "k")
            .input("timezone", "not a zone")
            .input("colour", "blue")
            .build();
    ExpandResult r = RecipeExpander.create().expand(v.recipe(), v.source(), vars);
    assertThat(r.errors())
        .extracting(RecipeError::message)
        .containsExactlyInAnyOrder(
            "input 'timezone' = 'not a zone' does not match its pattern",
            "the job supplies input 'colour', which the recipe does not declare");
  }

  @Test
  void placeholdersKeepVariablesAsWritten() {
    ParseResult.Valid v = Fixtures.parseValid(LINUX);
    ExecutionPlan p =
        plan(RecipeExpander.create().expand(v.recipe(), v.source(), Variables.placeholders()));
    assertThat(step(p, "grub").args()).contains("systemd.hostname=${machine.name}");
    assertThat(step(p, "rootfs").image()).isEqualTo("plinth/tools/linux-imager:1");
    assertThat(step(p, "cloud-init").files().get("/plinth/input/user-data"))
        .contains("timezone: Etc/UTC");
  }

  @Test
  void secretsTravelByReferenceOnly() {
    ParseResult.Valid v = Fixtures.parseValid(WINDOWS);
    ExecutionPlan p = plan(RecipeExpander.create().expand(v.recipe(), v.source(), Fixtures.job(v)));
    ExpandedStep unattend = step(p, "unattend");
    assertThat(unattend.secretEnv()).isEqualTo(Map.of("ADMIN_PASSWORD", "windows-admin-password"));
    assertThat(unattend.env()).isEmpty();
    assertThat(unattend.args()).contains("node-01");
    assertThat(new String(PlanJson.write(p), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("password\":\"");
  }

  @Test
  void theDiskWipePolicyBecomesTheFirstStepAndFirmwareNeedsNoDisk() {
    ExecutionPlan linux =
        plan(
            RecipeExpander.create()
                .expand(
                    Fixtures.parseValid(LINUX).recipe(),
                    Fixtures.parseValid(LINUX).source(),
                    Variables.placeholders()));
    assertThat(linux.steps().get(0).name()).isEqualTo("plinth-disk-wipe");
    assertThat(linux.steps().get(0).args())
        .containsExactly("wipe", "--method", "signatures", "--disks", "target");
    assertThat(linux.disk()).isPresent();
    ParseResult.Valid fw = Fixtures.parseValid(Path.of("examples/firmware-update.yaml"));
    ExecutionPlan firmware =
        plan(RecipeExpander.create().expand(fw.recipe(), fw.source(), Variables.placeholders()));
    assertThat(firmware.disk()).isEmpty();
    assertThat(firmware.steps()).allSatisfy(s -> assertThat(s.devices()).isEmpty());
    ParseResult.Valid wipe = Fixtures.parseValid(Path.of("examples/decommission-wipe.yaml"));
    ExecutionPlan decommission =
        plan(
            RecipeExpander.create().expand(wipe.recipe(), wipe.source(), Variables.placeholders()));
    assertThat(decommission.steps().get(0).devices()).containsExactly(DeviceClass.ALL_DISKS);
  }

  @Test
  void toolImagesCanBeOverridden() {
    ImageRef custom = ImageRef.parse("site/tools/sgdisk:2.0");
    ToolImages tools = new ToolImages(Map.of(Tool.SGDISK, custom));
    ParseResult.Valid v = Fixtures.parseValid(LINUX);
    ExecutionPlan p =
        plan(RecipeExpander.create(tools).expand(v.recipe(), v.source(), Variables.placeholders()));
    assertThat(step(p, "partition").image()).isEqualTo("site/tools/sgdisk:2.0");
    assertThat(tools.of(Tool.WIMAPPLY).toString()).isEqualTo("plinth/tools/wimapply:1");
  }

  @Test
  void dollarDollarEscapesAVariable() {
    String yaml =
        """
        apiVersion: plinth.dev/v1
        kind: Recipe
        metadata: {name: t}
        steps:
          - name: echo
            run: {image: tools/echo:1, args: ["$${HOME} is ${machine.name}"]}
        """;
    ParseResult.Valid v = (ParseResult.Valid) Fixtures.parse(yaml);
    ExecutionPlan p =
        plan(
            RecipeExpander.create()
                .expand(v.recipe(), v.source(), Variables.builder().machineName("m7").build()));
    assertThat(p.steps().get(0).args()).containsExactly("${HOME} is m7");
  }
}
