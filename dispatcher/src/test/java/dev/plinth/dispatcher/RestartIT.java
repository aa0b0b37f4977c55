/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.Task;
import dev.plinth.dispatcher.intake.TaskIsoImage;
import dev.plinth.dispatcher.runner.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher process is killed (SIGKILL) in the middle of a step and started again: the steps
 * that ended before are not run again, the cut attempt is reported as interrupted and rerun, and
 * the controller gets every event once, in order.
 */
class RestartIT {

  @TempDir Path tmp;

  @Test
  void killedMidJobResumesWithoutRerunningFinishedSteps() throws Exception {
    try (FakeController c = new FakeController("job-restart", TestTasks.TOKEN, TestTasks.KEY)) {
      Task task =
          TestTasks.task(
              "job-restart",
              c.webhookUrl(),
              List.of(
                  TestTasks.step("first", "sgdisk", "--zap-all"),
                  TestTasks.step("second", "sleep", "5"),
                  TestTasks.step("third", "config-drive")));
      Path iso = tmp.resolve("task.iso");
      TaskIsoImage.write(task, 1_700_000_000L, iso);
      Path state = tmp.resolve("state");

      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.plinth.dispatcher.cli.Main",
                  "run",
                  "--task",
                  iso.toString(),
                  "--state",
                  state.toString(),
                  "--runner",
                  "local",
                  "--skip-machine-check",
                  "--heartbeat",
                  "PT0.5S")
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("first-run.log").toFile())
              .start();
      try {
        c.await(
            e -> e.type() == EventType.STEP_STARTED && "second".equals(e.step()),
            Duration.ofSeconds(60));
      } finally {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(c.accepted()).noneMatch(e -> e.type() == EventType.FINISHED);

      DispatchResult r = Dispatcher.run(DispatcherIT.options(state, task).build());

      assertThat(r.succeeded()).isTrue();
      Path sandbox = state.resolve("jobs/job-restart/sandbox");
      assertThat(Files.readAllLines(sandbox.resolve("runs.log")))
          .containsExactly(
              "01-first attempt 1",
              "02-second attempt 1",
              "02-second attempt 2",
              "03-third attempt 1");
      assertThat(Files.readAllLines(sandbox.resolve("actions.log")))
          .containsExactly("first sgdisk --zap-all", "second sleep 5", "third config-drive");
      List<Event> ev = c.accepted();
      DispatcherIT.assertInOrderOnce(ev);
      assertThat(ev)
          .filteredOn(e -> e.type() != EventType.HEARTBEAT)
          .extracting(e -> e.type() + (e.step() == null ? "" : " " + e.step() + "#" + e.attempt()))
          .containsExactly(
              "booted",
              "step.started first#1",
              "step.succeeded first#1",
              "step.started second#1",
              "booted",
              "step.failed second#1",
              "step.started second#2",
              "step.succeeded second#2",
              "step.started third#1",
              "step.succeeded third#1",
              "finished");
      Event cut =
          ev.stream().filter(e -> e.type() == EventType.STEP_FAILED).findFirst().orElseThrow();
      assertThat(cut.exitCode()).isEqualTo(StepResult.INTERRUPTED);
      assertThat(cut.willRetry()).isTrue();
      assertThat(ev.stream().filter(e -> e.type() == EventType.BOOTED).toList().get(1).message())
          .contains("restarted, resuming after 1 finished step(s)");
    }
  }
}
