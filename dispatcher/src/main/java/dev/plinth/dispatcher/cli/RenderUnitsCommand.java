/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.cli;

import dev.plinth.contract.Task;
import dev.plinth.dispatcher.TaskResolver;
import dev.plinth.dispatcher.disks.BlockDisk;
import dev.plinth.dispatcher.intake.IntakeException;
import dev.plinth.dispatcher.intake.TaskIntake;
import dev.plinth.dispatcher.runner.QuadletRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Option(
      names = "--target-disk",
      paramLabel = "DEV",
      defaultValue = "/dev/sda",
      description = "Device to render for target-disk (and all-disks), default ${DEFAULT-VALUE}.")
  String targetDisk;

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
    Path chosen = Files.createTempFile("plinth-target-", "");
    try {
      Files.writeString(chosen, targetDisk);
      String name = Path.of(targetDisk).getFileName().toString();
      t =
          TaskResolver.resolve(
              t,
              () -> List.of(new BlockDisk(name, 1, false, false, "scsi", "", "", "", List.of())),
              out.resolve("files"),
              chosen);
    } catch (TaskResolver.NoTargetDisk e) {
      throw new IllegalStateException(e);
    } finally {
      Files.deleteIfExists(chosen);
    }
    for (var u : QuadletRenderer.renderAll(t).entrySet()) {
      Files.writeString(out.resolve(u.getKey()), u.getValue(), StandardCharsets.UTF_8);
      spec.commandLine().getOut().println(out.resolve(u.getKey()));
    }
    return 0;
  }
}
