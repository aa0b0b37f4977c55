/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden files of the units rendered for the contract's example task, and the check that every key
 * in them is one Quadlet (podman 4.4) or systemd documents. Regenerate deliberately with {@code
 * -Dplinth.regenerateGolden=true}.
 */
class QuadletRendererTest {

  private static final String GOLDEN = "/golden/quadlet/";
  static final String FILES = "/var/lib/plinth-dispatcher/jobs/job-0001/files";

  @org.junit.jupiter.api.io.TempDir Path tmp;

  /** The example task as the dispatcher resolves it on the simulated machine (target: sda). */
  static Task resolvedExample(Path tmp) throws Exception {
    return dev.plinth.dispatcher.TaskResolver.resolve(
        ContractFixtures.exampleTask(),
        dev.plinth.dispatcher.disks.DiskInventory::simulated,
        tmp.resolve("files"),
        tmp.resolve("target-disk"));
  }

  @Test
  void unitsOfTheExampleTaskMatchTheGoldenFiles() throws Exception {
    Map<String, String> units = new java.util.LinkedHashMap<>();
    // As QuadletRunner.prepare writes them: with the runtime contract's credentials and /dev.
    QuadletRunner runner =
        new QuadletRunner(
            Path.of("/run/containers/systemd"),
            Path.of("/run/plinth-dispatcher"),
            null,
            java.time.Duration.ofMinutes(1),
            java.time.Duration.ofSeconds(1));
    QuadletRenderer.renderAll(runner.withRuntime(resolvedExample(tmp)))
        .forEach((k, v) -> units.put(k, v.replace(tmp.resolve("files").toString(), FILES)));
    assertThat(Files.readString(tmp.resolve("files/03-config-drive/plinth/input/user-data")))
        .isEqualTo("#cloud-config\nhostname: m1\n");
    assertThat(units.keySet())
        .containsExactly(
            "plinth-step-01-partition.container",
            "plinth-step-02-write-image.container",
            "plinth-step-03-config-drive.container");
    if (Boolean.getBoolean("plinth.regenerateGolden")) {
      Path dir = Path.of("src/test/resources" + GOLDEN);
      Files.createDirectories(dir);
      for (var u : units.entrySet()) {
        Files.writeString(dir.resolve(u.getKey()), u.getValue());
      }
    }
    for (var u : units.entrySet()) {
      assertThat(u.getValue()).as(u.getKey()).isEqualTo(golden(u.getKey()));
    }
  }

  @Test
  void goldenFilesUseOnlyDocumentedKeys() throws IOException {
    for (String name :
        List.of(
            "plinth-step-01-partition.container",
            "plinth-step-02-write-image.container",
            "plinth-step-03-config-drive.container")) {
      String unit = golden(name);
      assertThat(QuadletKeys.unknownKeys(unit)).as(name).isEmpty();
      assertThat(QuadletKeys.keysOf(unit))
          .as(name)
          .contains("Container.Image", "Container.ContainerName", "Service.RuntimeMaxSec")
          .allMatch(
              k -> k.startsWith("Unit.") || k.startsWith("Container.") || k.startsWith("Service."));
    }
  }

  @Test
  void keyListHoldsThePodman44ContainerKeysAndNoLaterOnes() {
    assertThat(QuadletKeys.allowed())
        .contains(
            "Container.AddDevice",
            "Container.PodmanArgs",
            "Container.Volume",
            "Container.Exec",
            "Container.Environment",
            "Unit.Description",
            "Service.TimeoutStartSec");
    // Added after 4.4 (4.5+): must not be used, or the unit fails on the oldest Quadlet.
    for (String later :
        List.of(
            "Container.Pull",
            "Container.AutoUpdate",
            "Container.SecurityLabelDisable",
            "Container.LogDriver",
            "Container.Mount",
            "Container.WorkingDir",
            "Container.Entrypoint")) {
      assertThat(
              QuadletKeys.allowed(
                  later.substring(0, later.indexOf('.')), later.substring(later.indexOf('.') + 1)))
          .as(later)
          .isFalse();
    }
    assertThat(
            QuadletKeys.unknownKeys(
                "[Container]\nPull=never\nImage=x\n[X-Foo]\nBar=1\nnot a key\n"))
        .containsExactly("Container.Pull", "X-Foo.Bar", "X-Foo.<malformed: not a key>");
  }

  @Test
  void valuesAreQuotedAndEscapedForSystemd() {
    assertThat(QuadletRenderer.word("--new=1:0:+512M")).isEqualTo("--new=1:0:+512M");
    assertThat(QuadletRenderer.word("two words")).isEqualTo("\"two words\"");
    assertThat(QuadletRenderer.word("say \"hi\" \\ bye")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
    assertThat(QuadletRenderer.word("100%")).isEqualTo("\"100%%\"");
    assertThat(QuadletRenderer.word("$HOME")).isEqualTo("\"$$HOME\"");
    assertThat(QuadletRenderer.word("")).isEqualTo("\"\"");
    assertThrows(IllegalArgumentException.class, () -> QuadletRenderer.word("a\nb"));
  }

  @Test
  void argumentsWithSpacesAndEnvironmentAreRenderedAsWords() {
    Task base = ContractFixtures.exampleTask();
    TaskStep s =
        TaskStep.of("x", base.steps().get(0).image(), List.of("--label", "my disk", "50%"))
            .withEnv(Map.of("GREETING", "hello world"));
    Task t =
        new Task(
            base.apiVersion(),
            base.kind(),
            base.jobId(),
            null,
            base.machine(),
            base.controller(),
            base.registryHost(),
            null,
            base.credentials(),
            List.of(s));
    String unit = QuadletRenderer.render(new StepAttempt(t, 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> QuadletRenderer.render(new StepAttempt(ContractFixtures.exampleTask(), 0, 1)));
    assertThat(unit)
        .contains(
            "Exec=--label \"my disk\" \"50%%\"\n",
            "Environment=\"GREETING=hello world\"\n", "RuntimeMaxSec=3600\n")
        .doesNotContain("PodmanArgs", "AddDevice");
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = QuadletRendererTest.class.getResourceAsStream(GOLDEN + name)) {
      if (in == null) {
        throw new IOException("missing golden file " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
