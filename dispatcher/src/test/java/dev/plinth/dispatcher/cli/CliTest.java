/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.dispatcher.intake.TaskIsoImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {

  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = DispatcherCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void checkTaskListsTheSteps() throws Exception {
    Path iso = tmp.resolve("task.iso");
    TaskIsoImage.write(ContractFixtures.exampleTask(), 0, iso);
    assertThat(run("check-task", iso.toString())).isZero();
    assertThat(out.toString())
        .contains(
            "task OK: job job-0001, machine m1",
            "1. partition",
            "3. config-drive",
            "on failure continue",
            "privileged");
  }

  @Test
  void checkTaskRefusesAnotherMachineAndBadIsos() throws Exception {
    Path iso = tmp.resolve("task.iso");
    TaskIsoImage.write(ContractFixtures.exampleTask(), 0, iso);
    Path dmi = Files.createDirectories(tmp.resolve("dmi"));
    Files.writeString(dmi.resolve("product_uuid"), "00000000-0000-0000-0000-000000000009\n");
    assertThat(run("check-task", "--check-machine", "--dmi", dmi.toString(), iso.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("task is for machine m1");
    Path junk = Files.write(tmp.resolve("junk.iso"), new byte[100_000]);
    assertThat(run("check-task", junk.toString())).isEqualTo(2);
  }

  @Test
  void renderUnitsWritesOneUnitPerStep() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mnt"));
    for (var f : TaskIsoV1.files(ContractFixtures.exampleTask()).entrySet()) {
      Files.write(dir.resolve(f.getKey()), f.getValue());
    }
    assertThat(run("render-units", dir.toString(), "-o", tmp.resolve("units").toString())).isZero();
    assertThat(Files.readString(tmp.resolve("units/plinth-step-02-write-image.container")))
        .contains("Image=plinth.example:8443/plinth/tools/linux-imager@sha256:");
    assertThat(out.toString().lines()).hasSize(3);
  }

  @Test
  void runWithoutTaskFailsClearly() {
    assertThat(
            run(
                "run",
                "--task",
                tmp.resolve("none.iso").toString(),
                "--state",
                tmp.resolve("s").toString(),
                "--runner",
                "local",
                "--skip-machine-check"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("cannot read the task");
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("run", "check-task", "render-units");
  }
}
