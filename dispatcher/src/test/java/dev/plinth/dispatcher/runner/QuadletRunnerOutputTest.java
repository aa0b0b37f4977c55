/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import static dev.plinth.dispatcher.runner.ScriptedCommands.ok;
import static dev.plinth.dispatcher.runner.ScriptedCommands.show;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.Task;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quadlet runner's step output: one file per attempt, found again after a restart. */
class QuadletRunnerOutputTest {

  @TempDir Path tmp;
  private Task task;
  private Path out;

  @BeforeEach
  void resolve() throws Exception {
    task = QuadletRendererTest.resolvedExample(tmp.resolve("state"));
    out = tmp.resolve("state/jobs/job-0001/output");
  }

  private QuadletRunner runner(ScriptedCommands c) {
    return new QuadletRunner(
            tmp.resolve("units"),
            tmp.resolve("run"),
            c,
            Duration.ofMinutes(1),
            Duration.ofMillis(1))
        .withOutput(out);
  }

  private static ScriptedCommands endsWith(ScriptedCommands.Result... show) {
    return new ScriptedCommands()
        .on("systemctl daemon-reload", ok(""))
        .on("podman pull", ok("sha256:aaa"))
        .on("systemctl reset-failed", ok(""))
        .on("systemctl start", ok(""))
        .on("systemctl show", show);
  }

  private String unit(int step) throws Exception {
    try (var files = Files.list(tmp.resolve("units"))) {
      Path f =
          files
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .startsWith(String.format("plinth-step-%02d", step)))
              .findFirst()
              .orElseThrow();
      return Files.readString(f);
    }
  }

  @Test
  void theRenderedUnitsAppendTheirContainersOutputToTheFirstAttemptsFile() throws Exception {
    ScriptedCommands c = endsWith(ScriptedCommands.never());
    QuadletRunner r = runner(c);
    r.prepare(task);
    Path first = out.resolve("01-partition/attempt-1.log");
    assertThat(unit(1).lines())
        .contains(
            "PodmanArgs=--log-driver=passthrough",
            "StandardOutput=append:" + first,
            "StandardError=inherit");
    assertThat(unit(3))
        .contains("StandardOutput=append:" + out.resolve("03-config-drive/attempt-1.log"));
    assertThat(QuadletKeys.unknownKeys(unit(1))).isEmpty();
    assertThat(r.outputFile(new StepAttempt(task, 0, 1))).contains(first);
    assertThat(r.outputFile(new StepAttempt(task, 0, 2)))
        .contains(out.resolve("01-partition/attempt-2.log"));
  }

  @Test
  void withoutAnOutputDirectoryTheOutputStaysInTheJournal() throws Exception {
    QuadletRunner r =
        new QuadletRunner(
            tmp.resolve("units"),
            tmp.resolve("run"),
            endsWith(ScriptedCommands.never()),
            Duration.ofMinutes(1),
            Duration.ofMillis(1));
    r.prepare(task);
    assertThat(unit(1)).doesNotContain("StandardOutput", "log-driver");
    assertThat(r.outputFile(new StepAttempt(task, 0, 1))).isEmpty();
  }

  @Test
  void aRetryRendersTheUnitForItsOwnFileAndTheLogTailComesFromIt() throws Exception {
    ScriptedCommands c =
        endsWith(
            ScriptedCommands.never(), show("active", "success", 0), show("failed", "exit-code", 2));
    QuadletRunner r = runner(c);
    r.prepare(task);
    Path second = out.resolve("01-partition/attempt-2.log");
    Files.createDirectories(second.getParent());
    // What systemd appends while the unit runs.
    Files.writeString(second, "Creating new GPT entries\nCould not create partition 1\n");
    StepResult result = r.run(new StepAttempt(task, 0, 2));
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.logTail())
        .isEqualTo("Creating new GPT entries\nCould not create partition 1");
    assertThat(unit(1)).contains("StandardOutput=append:" + second).doesNotContain("attempt-1");
    assertThat(c.calls.stream().filter(x -> x.equals(List.of("systemctl", "daemon-reload"))))
        .hasSize(2);
    assertThat(c.calls.stream().filter(x -> x.get(0).equals("journalctl"))).isEmpty();
  }

  @Test
  void theFirstAttemptNeedsNoSecondReloadAndAnEmptyFileFallsBackToTheJournal() throws Exception {
    ScriptedCommands c =
        endsWith(ScriptedCommands.never(), show("failed", "exit-code", 1))
            .on("journalctl --no-pager", ok("Failed to set up standard output\n"));
    QuadletRunner r = runner(c);
    r.prepare(task);
    StepResult result = r.run(new StepAttempt(task, 0, 1));
    assertThat(Files.isDirectory(out.resolve("01-partition"))).isTrue();
    assertThat(result.logTail()).contains("Failed to set up standard output");
    assertThat(c.calls.stream().filter(x -> x.equals(List.of("systemctl", "daemon-reload"))))
        .hasSize(1);
  }

  @Test
  void aRestartedDispatcherFindsTheRunningAttemptsFile() throws Exception {
    runner(endsWith(ScriptedCommands.never())).prepare(task);
    Path third = out.resolve("02-write-image/attempt-3.log");
    Files.createDirectories(third.getParent());
    Files.writeString(third, "writing image: 40%\nwriting image: 100%\n");
    // A new runner, as the restarted dispatcher makes it: nothing in memory from the first.
    QuadletRunner again =
        runner(
            new ScriptedCommands()
                .on(
                    "systemctl show",
                    show("active", "success", 0),
                    show("active", "success", 0),
                    show("inactive", "success", 0)));
    StepAttempt a = new StepAttempt(task, 1, 3);
    assertThat(again.outputFile(a)).contains(third);
    StepResult r = again.reattach(a).orElseThrow();
    assertThat(r.succeeded()).isTrue();
    assertThat(r.logTail()).endsWith("writing image: 100%");
  }

  @Test
  void anOutputFileOverTheBoundIsEmptiedWhileTheStepRuns() throws Exception {
    Path first = out.resolve("01-partition/attempt-1.log");
    Files.createDirectories(first.getParent());
    try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
      f.setLength(QuadletRunner.MAX_OUTPUT_BYTES + 1);
    }
    ScriptedCommands c =
        endsWith(
            ScriptedCommands.never(), show("active", "success", 0), show("inactive", "success", 0));
    QuadletRunner r = runner(c);
    r.prepare(task);
    assertThat(r.run(new StepAttempt(task, 0, 1)).succeeded()).isTrue();
    assertThat(Files.size(first)).isZero();
  }

  @Test
  void finishRemovesTheJobsOutput() throws Exception {
    Path first = out.resolve("01-partition/attempt-1.log");
    Files.createDirectories(first.getParent());
    Files.writeString(first, "done\n");
    runner(new ScriptedCommands()).finish(task);
    assertThat(out).doesNotExist();
  }
}
