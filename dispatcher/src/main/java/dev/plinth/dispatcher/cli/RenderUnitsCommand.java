/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.cli;

import dev.plinth.dispatcher.contract.Task;
import dev.plinth.dispatcher.intake.IntakeException;
import dev.plinth.dispatcher.intake.TaskIntake;
import dev.plinth.dispatcher.runner.QuadletRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code render-units ISO -o DIR}: writes the Quadlet units the task would run, for review. */
@Command(
    name = "render-units",
    mixinStandardHelpOptions = true,
    description = "Write the Quadlet .container units of a task ISO's steps into a directory.")
final class RenderUnitsCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "ISO", description = "Task ISO file, block device, or directory.")
  Path iso;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      required = true,
      description = "Output directory (created).")
  Path out;

  @Override
  public Integer call() throws IntakeException, InterruptedException, IOException {
    Path work = Files.createTempDirectory("plinth-render-");
    Task t;
    try {
      t = TaskIntake.system(work).load(iso);
    } finally {
      Files.deleteIfExists(work.resolve("task.iso"));
      Files.deleteIfExists(work);
    }
    Files.createDirectories(out);
    for (var u : QuadletRenderer.renderAll(t).entrySet()) {
      Files.writeString(out.resolve(u.getKey()), u.getValue(), StandardCharsets.UTF_8);
      spec.commandLine().getOut().println(out.resolve(u.getKey()));
    }
    return 0;
  }
}
