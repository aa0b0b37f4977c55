/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.OnFailure;
import dev.plinth.contract.Task;
import dev.plinth.dispatcher.report.Backoff;
import dev.plinth.dispatcher.runner.LocalRunner;
import dev.plinth.dispatcher.runner.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher with the local runner against a fake controller over real sockets. */
class DispatcherIT {

  @TempDir Path tmp;

  static DispatcherOptions.Builder options(Path state, Task task) {
    return DispatcherOptions.builder(
            state, () -> task, ctx -> new LocalRunner(ctx.jobDir().resolve("sandbox"), Map.of()))
        .heartbeatInterval(Duration.ofMillis(300))
        .retryDelay(Duration.ofMillis(50))
        .backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(400)))
        .drainTimeout(Duration.ofSeconds(60))
        .requestTimeout(Duration.ofSeconds(2))
        .disks(dev.plinth.dispatcher.disks.DiskInventory::simulated);
  }

  /** Sequence numbers 1..n without gaps or repeats, event ids unique. */
  static void assertInOrderOnce(List<Event> events) {
    assertThat(events)
        .extracting(Event::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
    assertThat(events).extracting(Event::eventId).doesNotHaveDuplicates();
  }

  @Test
  void runsEveryStepAndReportsEachEventOnceInOrder() throws Exception {
    try (FakeController c = new FakeController("job-ok", TestTasks.TOKEN, TestTasks.KEY)) {
      Task task =
          TestTasks.task(
              "job-ok",
              c.webhookUrl(),
              List.of(
                  new dev.plinth.contract.TaskStep(
                      "partition",
                      TestTasks.REGISTRY + "/plinth/tools/sgdisk@sha256:" + "d".repeat(64),
                      List.of("--zap-all"),
                      Map.of(),
                      10,
                      0,
                      OnFailure.ABORT,
                      List.of("target-disk"),
                      List.of(),
                      true),
                  TestTasks.step("image", "linux-imager"),
                  TestTasks.step("bootloader", "linux-bootloader")));
      DispatchResult r = Dispatcher.run(options(tmp, task).build());
      assertThat(r.succeeded()).isTrue();
      assertThat(r.delivered()).isTrue();
      List<Event> ev = c.accepted();
      assertInOrderOnce(ev);
      assertThat(ev)
          .filteredOn(e -> e.type() != EventType.HEARTBEAT)
          .extracting(e -> e.type() + " " + (e.step() == null ? "" : e.step()))
          .containsExactly(
              "booted ",
              "step.started partition",
              "step.succeeded partition",
              "step.started image",
              "step.succeeded image",
              "step.started bootloader",
              "step.succeeded bootloader",
              "finished ");
      assertThat(ev.getLast().outcome()).isEqualTo(Event.OUTCOME_SUCCEEDED);
      assertThat(ev)
          .filteredOn(e -> e.type() == EventType.STEP_SUCCEEDED)
          .first()
          .satisfies(
              e -> assertThat(e.logTail()).contains("The operation has completed successfully."));
      assertThat(Files.readString(tmp.resolve("jobs/job-ok/sandbox/actions.log")))
          .contains("partition sgdisk --zap-all");
      assertThat(
              Files.readString(
                  tmp.resolve("jobs/job-ok/sandbox/steps/01-partition/attempt-1/output.log")))
          .contains("The operation has completed successfully.");
      assertThat(c.refusals()).isEmpty();
    }
  }

  @Test
  void retriesThenAppliesOnFailurePolicies() throws Exception {
    try (FakeController c = new FakeController("job-fail", TestTasks.TOKEN, TestTasks.KEY)) {
      Task task =
          TestTasks.task(
              "job-fail",
              c.webhookUrl(),
              List.of(
                  TestTasks.step(
                      "flaky",
                      "echo",
                      List.of(),
                      Map.of("SIM_FAIL_TIMES", "1", "SIM_DELAY_MS", "0"),
                      1,
                      OnFailure.ABORT),
                  TestTasks.step("optional", "fail", List.of("3"), Map.of(), 0, OnFailure.CONTINUE),
                  TestTasks.step(
                      "unknown", "no-such-tool", List.of(), Map.of(), 1, OnFailure.ABORT),
                  TestTasks.step("never", "echo")));
      DispatchResult r = Dispatcher.run(options(tmp, task).build());
      assertThat(r.succeeded()).isFalse();
      assertThat(r.failedSteps()).containsExactly("optional", "unknown");
      List<Event> ev = c.accepted();
      assertInOrderOnce(ev);
      assertThat(ev)
          .filteredOn(e -> e.type() == EventType.STEP_FAILED)
          .extracting(
              e ->
                  e.step()
                      + "#"
                      + e.attempt()
                      + " exit "
                      + e.exitCode()
                      + " retry "
                      + e.willRetry())
          .containsExactly(
              "flaky#1 exit 1 retry true",
              "optional#1 exit 3 retry false",
              "unknown#1 exit -1 retry true",
              "unknown#2 exit -1 retry false");
      assertThat(ev).filteredOn(e -> "never".equals(e.step())).isEmpty();
      assertThat(ev.getLast().type()).isEqualTo(EventType.FINISHED);
      assertThat(ev.getLast().outcome()).isEqualTo(Event.OUTCOME_FAILED);
      assertThat(ev.getLast().message()).startsWith("step optional failed");
    }
  }

  @Test
  void controllerAwayForAWhileLosesNoEventAndSendsNoneTwice() throws Exception {
    try (FakeController c = new FakeController("job-away", TestTasks.TOKEN, TestTasks.KEY)) {
      Task task =
          TestTasks.task(
              "job-away",
              c.webhookUrl(),
              List.of(
                  TestTasks.step("one", "echo"),
                  TestTasks.step("two", "sleep", "2"),
                  TestTasks.step("three", "echo"),
                  TestTasks.step("four", "echo")));
      CompletableFuture<DispatchResult> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Dispatcher.run(options(tmp, task).build());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      c.await(
          e -> e.type() == EventType.STEP_STARTED && "two".equals(e.step()),
          Duration.ofSeconds(30));
      c.goAway();
      // As long as the issue asks of the end-to-end test: the controller is gone for 30 s.
      Thread.sleep(30_000);
      assertThat(c.accepted()).noneMatch(e -> e.type() == EventType.FINISHED);
      try (var pending = Files.list(tmp.resolve("jobs/job-away/events/pending"))) {
        assertThat(pending.count())
            .as("the job went on while the controller was away")
            .isGreaterThanOrEqualTo(5);
      }
      c.mode(FakeController.Mode.LOSE_ACKS);
      c.comeBack();
      Thread.sleep(1000);
      c.mode(FakeController.Mode.UP);
      DispatchResult r = run.get();
      assertThat(r.succeeded()).isTrue();
      List<Event> ev = c.accepted();
      assertInOrderOnce(ev);
      assertThat(ev.getLast().type()).isEqualTo(EventType.FINISHED);
      assertThat(ev)
          .filteredOn(e -> e.type() == EventType.STEP_SUCCEEDED)
          .extracting(Event::step)
          .containsExactly("one", "two", "three", "four");
      assertThat(ev).anyMatch(e -> e.type() == EventType.HEARTBEAT && "two".equals(e.step()));
      assertThat(c.duplicates())
          .as("acks lost while LOSE_ACKS was on are answered 200 on resend")
          .isPositive();
      assertThat(Files.list(tmp.resolve("jobs/job-away/events/pending"))).isEmpty();
    }
  }

  @Test
  void aFinishedJobIsNotRunAgain() throws Exception {
    try (FakeController c = new FakeController("job-once", TestTasks.TOKEN, TestTasks.KEY)) {
      Task task =
          TestTasks.task("job-once", c.webhookUrl(), List.of(TestTasks.step("one", "echo")));
      assertThat(Dispatcher.run(options(tmp, task).build()).succeeded()).isTrue();
      int events = c.accepted().size();
      DispatchResult again = Dispatcher.run(options(tmp, task).build());
      assertThat(again.succeeded()).isTrue();
      assertThat(c.accepted()).hasSize(events);
      assertThat(Files.readAllLines(tmp.resolve("jobs/job-once/sandbox/runs.log")))
          .containsExactly("01-one attempt 1");
    }
  }

  @Test
  void noDiskForTheRulesFinishesTheJobAsFailedWithTheReason() throws Exception {
    try (FakeController c = new FakeController("job-nodisk", TestTasks.TOKEN, TestTasks.KEY)) {
      Task task =
          TestTasks.task(
                  "job-nodisk",
                  c.webhookUrl(),
                  List.of(
                      new dev.plinth.contract.TaskStep(
                          "p",
                          TestTasks.REGISTRY + "/plinth/tools/sgdisk@sha256:" + "d".repeat(64),
                          List.of(),
                          Map.of(),
                          10,
                          0,
                          OnFailure.ABORT,
                          List.of("target-disk"),
                          List.of(),
                          true)))
              .withDisk(
                  new dev.plinth.contract.DiskRules(
                      null, null, null, null, null, "nvme", null, null, null));
      DispatchResult r = Dispatcher.run(options(tmp, task).build());
      assertThat(r.succeeded()).isFalse();
      assertThat(c.accepted())
          .extracting(Event::type)
          .containsExactly(EventType.BOOTED, EventType.FINISHED);
      assertThat(c.accepted().getLast().message()).contains("no disk matches");
      DispatchResult again = Dispatcher.run(options(tmp, task).build());
      assertThat(again.succeeded())
          .as("a restart after a failed finish still reports failure")
          .isFalse();
      assertThat(c.accepted()).hasSize(2);
    }
  }

  @Test
  void localSimulationRunsATaskIsoEndToEnd() throws Exception {
    try (FakeController c = new FakeController("job-sim", TestTasks.TOKEN, TestTasks.KEY)) {
      Task task =
          TestTasks.task(
              "job-sim",
              c.webhookUrl(),
              List.of(
                  new dev.plinth.contract.TaskStep(
                      "image",
                      TestTasks.REGISTRY + "/plinth/tools/linux-imager@sha256:" + "d".repeat(64),
                      List.of("write"),
                      Map.of("SIM_DELAY_MS", "1500"),
                      10,
                      0,
                      OnFailure.ABORT,
                      List.of("target-disk"),
                      List.of(),
                      true,
                      Map.of("/plinth/input/user-data", "#cloud-config\n"))));
      Path iso = tmp.resolve("task.iso");
      dev.plinth.dispatcher.intake.TaskIsoImage.write(task, 0, iso);
      var intake =
          new dev.plinth.dispatcher.intake.TaskIntake(
              (cmd, t) -> new dev.plinth.dispatcher.sys.Commands.Result(1, ""),
              tmp.resolve("cmdline"),
              tmp,
              tmp.resolve("state"));
      DispatchResult r =
          Dispatcher.run(
              DispatcherOptions.localSimulation(tmp.resolve("state"), () -> intake.load(iso))
                  .build());
      assertThat(r.succeeded()).isTrue();
      assertInOrderOnce(c.accepted());
      assertThat(c.accepted())
          .extracting(Event::type)
          .contains(EventType.HEARTBEAT)
          .endsWith(EventType.FINISHED);
      assertThat(Files.readString(tmp.resolve("state/jobs/job-sim/sandbox/actions.log")))
          .isEqualTo("image linux-imager write\n");
      assertThat(
              Files.readString(
                  tmp.resolve("state/jobs/job-sim/files/01-image/plinth/input/user-data")))
          .isEqualTo("#cloud-config\n");
    }
  }

  @Test
  void exitStatusConstantsAreDistinct() {
    assertThat(List.of(StepResult.TIMED_OUT, StepResult.NOT_STARTED, StepResult.INTERRUPTED))
        .doesNotHaveDuplicates();
  }
}
