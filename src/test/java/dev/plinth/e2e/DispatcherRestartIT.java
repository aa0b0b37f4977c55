/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.dispatcher.report.StateLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real controller in this JVM and a simulated BMC; the server behind it runs the real {@code
 * plinth-dispatcher run --runner local} as a child JVM on the task ISO the controller built and
 * served. The dispatcher is killed with SIGKILL while the second step runs and started again on the
 * same state directory, as systemd's {@code Restart=on-failure} does: the job succeeds, the first
 * step is not run again, and the controller holds every event exactly once, in sequence order.
 */
class DispatcherRestartIT {

  static final String RECIPE =
      """
      apiVersion: plinth.dev/v1
      kind: Recipe
      metadata: {name: restart}
      steps:
        - name: first
          run: {image: "plinth/tools/sgdisk:1", args: [--zap-all]}
        - name: second
          run: {image: "plinth/tools/linux-imager:1", env: {SIM_DELAY_MS: "5000"}}
        - name: third
          run: {image: "plinth/tools/config-drive:1"}
      """;

  @TempDir Path dir;
  final List<ProcessHandle> started = new ArrayList<>();

  @AfterEach
  void stopLeftovers() {
    started.forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void killedMidJobAndRestartedDoesNotRunFinishedStepsAgain() throws Exception {
    Path state = dir.resolve("server");
    CompletableFuture<Path> taskIso = new CompletableFuture<>();
    AtomicBoolean booted = new AtomicBoolean();
    try (InProcessController plinth =
        InProcessController.start(
            dir.resolve("var"),
            null,
            (bmc, media) -> {
              if (booted.compareAndSet(false, true)) {
                try {
                  Files.createDirectories(state);
                  taskIso.complete(TaskMedium.download(media, dir.resolve("medium.iso")));
                } catch (Exception e) {
                  taskIso.completeExceptionally(e);
                }
              }
            })) {
      String job = plinth.submit("m1", RECIPE);
      Path iso = taskIso.get(60, TimeUnit.SECONDS);

      Process first = dispatcher(iso, state, "first-run.log");
      CompletableFuture<Void> exited = first.onExit().thenAccept(p -> {});
      DispatcherOutageIT.awaitStored(
          plinth, job, exited, e -> DispatcherOutageIT.isStep(e, "step.started", "second"));
      first.descendants().forEach(started::add); // the step's process, killed at the end
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no last event
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).as("killed").isNotZero();
      List<String> before = DeliveredEvents.milestones(plinth.dispatcherEvents(job));
      assertThat(before).contains("step.succeeded first").doesNotContain("finished");
      assertThat(plinth.job(job).path("state").asText()).isEqualTo("Running");

      Process second = dispatcher(iso, state, "second-run.log");
      assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("restarted run ended").isTrue();
      assertThat(second.exitValue()).as(Files.readString(dir.resolve("second-run.log"))).isZero();
      JsonNode j = plinth.awaitFinal(job, Duration.ofSeconds(30));
      assertThat(j.path("state").asText()).as(j.toString()).isEqualTo("Succeeded");

      Path sandbox = new StateLayout(state).sandbox(job);
      List<String> runs = Files.readAllLines(sandbox.resolve("runs.log"));
      assertThat(runs.stream().filter(l -> l.startsWith("01-first ")))
          .as("attempts of the first step: %s", runs)
          .containsExactly("01-first attempt 1");
      assertThat(runs.stream().filter(l -> l.startsWith("03-third ")))
          .as("attempts of the third step: %s", runs)
          .containsExactly("03-third attempt 1");
      List<String> actions = Files.readAllLines(sandbox.resolve("actions.log"));
      assertThat(actions.stream().filter(l -> l.startsWith("first ")))
          .as("what the tools did: %s", actions)
          .containsExactly("first sgdisk --zap-all");
      assertThat(actions).as("what the tools did").containsOnlyOnce("third config-drive");

      List<JsonNode> events = plinth.dispatcherEvents(job);
      DeliveredEvents.assertEveryEventOnceInOrder(events, state, job);
      List<String> all = DeliveredEvents.milestones(events);
      assertThat(all).containsSubsequence(before);
      assertThat(all.stream().filter("step.started first"::equals)).hasSize(1);
      assertThat(all.stream().filter("step.succeeded first"::equals)).hasSize(1);
      assertThat(all.stream().filter("step.succeeded second"::equals)).hasSize(1);
      assertThat(all.stream().filter("booted"::equals)).as("booted, then restarted").hasSize(2);
      assertThat(all.getLast()).isEqualTo("finished");
      JsonNode rebooted = events.stream().filter(e -> isBooted(e)).toList().get(1);
      assertThat(rebooted.path("data").path("message").asText())
          .contains("resuming after 1 finished step(s)");
    }
  }

  private static boolean isBooted(JsonNode e) {
    return "booted".equals(e.path("type").asText());
  }

  /** {@code plinth-dispatcher run --runner local} in a child JVM, on this test's class path. */
  private Process dispatcher(Path iso, Path state, String log) throws Exception {
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
            .redirectOutput(dir.resolve(log).toFile())
            .start();
    started.add(p.toHandle());
    return p;
  }
}
