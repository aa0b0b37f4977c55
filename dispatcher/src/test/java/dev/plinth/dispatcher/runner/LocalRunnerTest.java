/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.OnFailure;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunnerTest {

  @TempDir Path tmp;
  private static final java.io.PrintStream OUT =
      new java.io.PrintStream(java.io.OutputStream.nullOutputStream());

  private static Task task(TaskStep... steps) {
    Task b = ContractFixtures.exampleTask();
    return new Task(
        b.apiVersion(),
        b.kind(),
        b.jobId(),
        null,
        b.machine(),
        b.controller(),
        b.registryHost(),
        null,
        b.credentials(),
        List.of(steps));
  }

  private static TaskStep step(
      String name, String tool, int timeout, Map<String, String> env, String... args) {
    return new TaskStep(
        name,
        "plinth.example:8443/plinth/tools/" + tool + "@sha256:" + "e".repeat(64),
        List.of(args),
        env,
        timeout,
        0,
        OnFailure.ABORT,
        List.of("/dev/sdb"),
        List.of(),
        false);
  }

  @Test
  void commandsOverrideSimulatedToolsAndGetTheStepEnvironmentOnly() throws Exception {
    Task t = task(step("probe", "sgdisk", 10, Map.of("COLOR", "blue"), "a b"));
    LocalRunner r =
        new LocalRunner(
            tmp,
            Map.of(
                "sgdisk",
                List.of(
                    "/bin/sh",
                    "-c",
                    "echo \"$COLOR $PLINTH_STEP $PLINTH_DEVICES $1 HOME=$HOME\"; exit 4",
                    "sh")));
    r.prepare(t);
    StepResult res = r.run(new StepAttempt(t, 0, 1));
    assertThat(res.exitCode()).isEqualTo(4);
    assertThat(res.logTail()).isEqualTo("blue probe /dev/sdb a b HOME=\n");
    assertThat(res.message()).isEqualTo("exit status 4");
    assertThat(Files.readString(tmp.resolve("steps/01-probe/attempt-1/result.properties")))
        .contains("exit=4");
    assertThat(r.reattach(new StepAttempt(t, 0, 1)))
        .hasValueSatisfying(x -> assertThat(x.exitCode()).isEqualTo(4));
  }

  @Test
  void timeoutKillsTheToolAndReports124() throws Exception {
    Task t = task(step("slow", "sleep", 1, Map.of(), "30"));
    LocalRunner r = new LocalRunner(tmp, Map.of("sleep", List.of("/bin/sleep")));
    long start = System.nanoTime();
    StepResult res = r.run(new StepAttempt(t, 0, 1));
    assertThat(res.exitCode()).isEqualTo(StepResult.TIMED_OUT);
    assertThat(res.message()).isEqualTo("timed out after 1 s");
    assertThat(System.nanoTime() - start).isLessThan(15_000_000_000L);
  }

  @Test
  void unknownRepositoryIsAFailedAttemptNamingTheBuiltIns() throws Exception {
    Task t = task(step("mystery", "mystery-tool", 5, Map.of()));
    StepResult res = new LocalRunner(tmp, Map.of()).run(new StepAttempt(t, 0, 1));
    assertThat(res.exitCode()).isEqualTo(StepResult.NOT_STARTED);
    assertThat(res.message()).contains("plinth/tools/mystery-tool", "sgdisk", "linux-imager");
  }

  @Test
  void simulatedToolRunsInItsOwnJvmAndRecordsItsAction() throws Exception {
    Task t =
        task(
            step(
                "image",
                "linux-imager",
                60,
                Map.of(
                    "IMAGE_URL",
                    "http://x/os.raw",
                    "TARGET_DISK",
                    "/dev/sdb",
                    "SIM_DELAY_MS",
                    "0")));
    LocalRunner r = new LocalRunner(tmp, Map.of());
    StepResult res = r.run(new StepAttempt(t, 0, 1));
    assertThat(res.succeeded()).as(res.toString()).isTrue();
    assertThat(res.logTail()).contains("wrote http://x/os.raw to /dev/sdb");
    assertThat(Files.readString(tmp.resolve("actions.log"))).isEqualTo("image linux-imager\n");
    assertThat(r.reattach(new StepAttempt(t, 0, 2))).isEmpty();
  }

  @Test
  void inProcessSimulationRunsOnAVirtualThreadWithTheSameResults() throws Exception {
    Task t =
        task(
            step("image", "linux-imager", 60, Map.of("IMAGE_URL", "u", "SIM_DELAY_MS", "0")),
            step("slow", "sleep", 1, Map.of(), "30"),
            step("broken", "fail", 5, Map.of(), "9"));
    LocalRunner r = new LocalRunner(tmp, Map.of(), true);
    StepResult ok = r.run(new StepAttempt(t, 0, 1));
    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.logTail()).contains("[simulated linux-imager]", "wrote u to disk");
    long start = System.nanoTime();
    assertThat(r.run(new StepAttempt(t, 1, 1)).exitCode()).isEqualTo(StepResult.TIMED_OUT);
    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    StepResult failed = r.run(new StepAttempt(t, 2, 1));
    assertThat(failed.exitCode()).isEqualTo(9);
    assertThat(failed.logTail()).contains("simulated failure");
    assertThat(Files.exists(tmp.resolve("steps/03-broken/attempt-1/pid"))).isFalse();
  }

  @Test
  void simulatedToolsBehaveAsDocumented() throws Exception {
    Map<String, String> env =
        Map.of(
            "PLINTH_SANDBOX",
            tmp.toString(),
            "PLINTH_STEP",
            "s",
            "SIM_DELAY_MS",
            "0",
            "SIM_FAIL_TIMES",
            "1");
    assertThat(SimulatedTools.run("config-drive", List.of(), env, OUT)).isEqualTo(1);
    assertThat(SimulatedTools.run("config-drive", List.of(), env, OUT)).isZero();
    assertThat(SimulatedTools.run("fail", List.of("7"), Map.of(), OUT)).isEqualTo(7);
    assertThat(
            SimulatedTools.run(
                "sleep", List.of("0"), Map.of("PLINTH_SANDBOX", tmp.toString()), OUT))
        .isZero();
    assertThat(
            SimulatedTools.run(
                "wimapply",
                List.of(),
                Map.of("PLINTH_SANDBOX", tmp.toString(), "SIM_DELAY_MS", "0", "SIM_EXIT", "5"),
                OUT))
        .isEqualTo(5);
  }
}
