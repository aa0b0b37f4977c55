/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.cli;

import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import dev.plinth.dispatcher.intake.IntakeException;
import dev.plinth.dispatcher.intake.MachineIdentity;
import dev.plinth.dispatcher.intake.TaskIntake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check-task ISO}: verifies a task ISO and prints what it would run. */
@Command(
    name = "check-task",
    mixinStandardHelpOptions = true,
    description =
        "Verify a task ISO (SHA256SUMS, schema; optionally this machine's DMI) and list its steps.")
final class CheckTaskCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "ISO",
      description = "Task ISO file, block device, or directory (a mounted ISO).")
  Path iso;

  @Option(
      names = "--check-machine",
      description = "Also check the task's system UUID / serial against DMI.")
  boolean checkMachine;

  @Option(
      names = "--dmi",
      paramLabel = "DIR",
      defaultValue = "/sys/class/dmi/id",
      description = "DMI directory (default: ${DEFAULT-VALUE}).")
  Path dmi;

  @Override
  public Integer call() throws IntakeException, InterruptedException, java.io.IOException {
    Path work = Files.createTempDirectory("plinth-check-");
    try {
      Task t = TaskIntake.system(work).load(iso);
      if (checkMachine) {
        MachineIdentity.read(dmi).check(t.machine());
      }
      var out = spec.commandLine().getOut();
      out.printf(
          "task OK: job %s, machine %s, recipe %s, %d step(s)%n",
          t.jobId(), t.machine().id(), t.recipe(), t.steps().size());
      out.printf("  webhook  %s%n  registry %s%n", t.controller().webhook(), t.registryHost());
      int i = 1;
      for (TaskStep s : t.steps()) {
        out.printf(
            "  %2d. %-20s %s (timeout %d s, retries %d, on failure %s%s)%n",
            i++,
            s.name(),
            s.image(),
            s.timeoutSeconds(),
            s.retries(),
            s.onFailure(),
            s.privileged() ? ", privileged" : "");
      }
      return 0;
    } finally {
      try (var files = Files.list(work)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(work);
    }
  }
}
