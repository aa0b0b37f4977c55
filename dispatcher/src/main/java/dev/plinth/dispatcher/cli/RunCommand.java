/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.cli;

import dev.plinth.dispatcher.DispatchResult;
import dev.plinth.dispatcher.Dispatcher;
import dev.plinth.dispatcher.DispatcherOptions;
import dev.plinth.dispatcher.disks.DiskInventory;
import dev.plinth.dispatcher.intake.IntakeException;
import dev.plinth.dispatcher.intake.MachineIdentity;
import dev.plinth.dispatcher.intake.TaskIntake;
import dev.plinth.dispatcher.report.Backoff;
import dev.plinth.dispatcher.report.StateLayout;
import dev.plinth.dispatcher.runner.LocalRunner;
import dev.plinth.dispatcher.runner.QuadletRunner;
import dev.plinth.dispatcher.runner.StepRunner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: finds the task, runs it, reports it. What the systemd unit starts. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Find the task (plinth.task=URL, label PLINTH-TASK, or --task), run its steps, report them.")
final class RunCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--task",
      paramLabel = "PATH|URL",
      description = "Task ISO, block device, directory or http(s) URL; default: discover it.")
  String task;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      defaultValue = "${env:STATE_DIRECTORY:-/var/lib/plinth-dispatcher}",
      description = "State directory: event spool and step history (default: ${DEFAULT-VALUE}).")
  Path state;

  @Option(
      names = "--runner",
      defaultValue = "quadlet",
      description = "quadlet (systemd + podman) or local (simulated tools in a sandbox).")
  String runner;

  @Option(
      names = "--wait-for-task",
      defaultValue = "PT5M",
      description =
          "How long to wait for the task medium (ISO-8601 duration, default ${DEFAULT-VALUE}).")
  Duration waitForTask;

  @Option(
      names = "--heartbeat",
      defaultValue = "PT30S",
      description = "Heartbeat interval while a step runs (default ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--skip-machine-check",
      description = "Do not compare the task's system UUID / serial with DMI.")
  boolean skipMachineCheck;

  @Option(names = "--dmi", paramLabel = "DIR", defaultValue = "/sys/class/dmi/id", hidden = true)
  Path dmi;

  @Override
  public Integer call() throws IntakeException, IOException, InterruptedException {
    TaskIntake intake = TaskIntake.system(state);
    DispatcherOptions.TaskSupplier supplier =
        task == null
            ? () -> intake.discover(waitForTask)
            : task.startsWith("http://") || task.startsWith("https://")
                ? () -> intake.fetch(URI.create(task))
                : () -> intake.load(Path.of(task));
    Function<DispatcherOptions.RunContext, StepRunner> factory =
        switch (runner) {
          case "quadlet" ->
              ctx ->
                  QuadletRunner.system()
                      .withOutput(new StateLayout(state).output(ctx.task().jobId()));
          case "local" ->
              ctx -> new LocalRunner(new StateLayout(state).sandbox(ctx.task().jobId()), Map.of());
          default ->
              throw new picocli.CommandLine.ParameterException(
                  spec.commandLine(), "--runner must be quadlet or local");
        };
    DispatcherOptions.Builder b =
        DispatcherOptions.builder(state, supplier, factory)
            .heartbeatInterval(heartbeat)
            .backoff(Backoff.defaults());
    if ("local".equals(runner)) {
      b.disks(DiskInventory::simulated);
    }
    if (!skipMachineCheck) {
      b.machine(MachineIdentity.read(dmi));
    }
    DispatchResult r = Dispatcher.run(b.build());
    var out = spec.commandLine().getOut();
    out.printf(
        "job %s %s%s%n",
        r.jobId(),
        r.succeeded() ? "succeeded" : "failed: " + String.join(", ", r.failedSteps()),
        r.delivered() ? "" : " (some events were not delivered)");
    return r.succeeded() ? 0 : DispatcherCommand.JOB_FAILED;
  }
}
