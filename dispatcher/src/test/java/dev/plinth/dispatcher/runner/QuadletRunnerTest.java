/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import static dev.plinth.dispatcher.runner.ScriptedCommands.ok;
import static dev.plinth.dispatcher.runner.ScriptedCommands.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.Task;
import dev.plinth.dispatcher.sys.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuadletRunnerTest {

  @TempDir Path tmp;
  private Task task;

  @org.junit.jupiter.api.BeforeEach
  void resolve() throws Exception {
    task = QuadletRendererTest.resolvedExample(tmp.resolve("state"));
  }

  private QuadletRunner runner(ScriptedCommands c) {
    return new QuadletRunner(
        tmp.resolve("units"), tmp.resolve("run"), c, Duration.ofMinutes(1), Duration.ofMillis(1));
  }

  @Test
  void prepareWritesUnitsCredentialsAndCaThenReloads() throws Exception {
    ScriptedCommands c = new ScriptedCommands().on("systemctl daemon-reload", ok(""));
    runner(c).prepare(task);
    assertThat(Files.list(tmp.resolve("units")).map(p -> p.getFileName().toString()).sorted())
        .containsExactly(
            "plinth-step-01-partition.container",
            "plinth-step-02-write-image.container",
            "plinth-step-03-config-drive.container");
    Path auth = tmp.resolve("run/auth.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auth)))
        .isEqualTo("rw-------");
    String expected =
        Base64.getEncoder()
            .encodeToString(
                ("job-0001:" + ContractFixtures.JOB_TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(auth))
        .isEqualTo("{\"auths\":{\"plinth.example:8443\":{\"auth\":\"" + expected + "\"}}}\n");
    assertThat(Files.readString(tmp.resolve("run/certs/plinth.example:8443/ca.crt")))
        .isEqualTo(task.caBundle());
    assertThat(c.calls).containsExactly(List.of("systemctl", "daemon-reload"));
  }

  @Test
  void failedReloadIsAnError() {
    ScriptedCommands c =
        new ScriptedCommands().on("systemctl daemon-reload", new Commands.Result(1, "boom"));
    assertThat(assertThrows(IOException.class, () -> runner(c).prepare(task)).getMessage())
        .contains("boom");
  }

  @Test
  void successfulAttemptPullsStartsWaitsAndReadsTheJournal() throws Exception {
    ScriptedCommands c =
        new ScriptedCommands()
            .on("podman pull", ok("sha256:aaa"))
            .on("systemctl reset-failed", ok(""))
            .on("systemctl start", ok(""))
            .on(
                "systemctl show",
                ScriptedCommands.never(),
                show("active", "success", 0),
                show("active", "success", 0),
                show("inactive", "success", 0))
            .on("journalctl --no-pager", ok("The operation has completed successfully.\n"));
    StepResult r = runner(c).run(new StepAttempt(task, 0, 1));
    assertThat(r.succeeded()).isTrue();
    assertThat(r.logTail()).contains("completed successfully");
    assertThat(c.calls.get(0))
        .containsExactly(
            "podman",
            "pull",
            "--quiet",
            "--authfile=" + tmp.resolve("run/auth.json"),
            "--cert-dir=" + tmp.resolve("run/certs/plinth.example:8443"),
            task.steps().get(0).image());
    assertThat(c.calls.get(3))
        .containsExactly("systemctl", "start", "plinth-step-01-partition.service");
    assertThat(c.calls.getLast())
        .contains("-u", "plinth-step-01-partition.service", "_SYSTEMD_INVOCATION_ID=abc123");
  }

  @Test
  void aPullThatFailsWhileTheControllerRestartsIsTriedAgain() throws Exception {
    // Seen under QEMU: the controller was killed and restarted during a job; the next step's
    // pull was refused for a few seconds and failed the whole job.
    ScriptedCommands c =
        new ScriptedCommands()
            .on(
                "podman pull",
                new Commands.Result(125, "dial tcp 10.0.2.2:8080: connect: connection refused"),
                ok("sha256:aaa"))
            .on("systemctl reset-failed", ok(""))
            .on("systemctl start", ok(""))
            .on(
                "systemctl show",
                ScriptedCommands.never(),
                show("active", "success", 0),
                show("inactive", "success", 0));
    QuadletRunner patient =
        new QuadletRunner(
            tmp.resolve("units"),
            tmp.resolve("run"),
            c,
            Duration.ofMinutes(1),
            Duration.ofMillis(1),
            Duration.ofSeconds(30));
    StepResult r = patient.run(new StepAttempt(task, 0, 1));
    assertThat(c.calls.stream().filter(x -> x.get(0).equals("podman")).count()).isEqualTo(2);
    assertThat(r.succeeded()).as(r.message()).isTrue();
  }

  @Test
  void aStepThatExitedStaysActiveExitedAndIsReadAsSucceeded() throws Exception {
    // RemainAfterExit=yes: a finished step is "active (exited)", not unloaded; the runner must
    // stop waiting there and read its result (before, a success looked like "did not start").
    ScriptedCommands c =
        new ScriptedCommands()
            .on("podman pull", ok("sha256:aaa"))
            .on("systemctl reset-failed", ok(""))
            .on("systemctl start", ok(""))
            .on(
                "systemctl show",
                ok("LoadState=loaded\nActiveState=inactive\nInvocationID=\n"),
                show("active", "success", 0),
                ok(
                    "LoadState=loaded\nActiveState=active\nSubState=exited\nResult=success\n"
                        + "ExecMainStatus=0\nExecMainStartTimestampMonotonic=5\n"
                        + "InvocationID=abc123\n"))
            .on("journalctl --no-pager", ok("wiped\n"));
    StepResult r = runner(c).run(new StepAttempt(task, 0, 1));
    assertThat(r.succeeded()).as(r.message()).isTrue();
    assertThat(r.logTail()).contains("wiped");
  }

  @Test
  void exitStatusTimeoutAndPullFailureAreResults() throws Exception {
    ScriptedCommands failed =
        new ScriptedCommands()
            .on("podman pull", ok(""))
            .on("systemctl reset-failed", ok(""))
            .on("systemctl start", ok(""))
            .on("systemctl show", ScriptedCommands.never(), show("failed", "exit-code", 3));
    StepResult r = runner(failed).run(new StepAttempt(task, 1, 1));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.message()).isEqualTo("exit status 3");

    ScriptedCommands timeout =
        new ScriptedCommands()
            .on("podman pull", ok(""))
            .on("systemctl reset-failed", ok(""))
            .on("systemctl start", ok(""))
            .on("systemctl show", ScriptedCommands.never(), show("failed", "timeout", 0));
    assertThat(runner(timeout).run(new StepAttempt(task, 1, 1)).exitCode())
        .isEqualTo(StepResult.TIMED_OUT);

    ScriptedCommands signal =
        new ScriptedCommands()
            .on("podman pull", ok(""))
            .on("systemctl reset-failed", ok(""))
            .on("systemctl start", new Commands.Result(1, "Job failed"))
            .on("systemctl show", ScriptedCommands.never(), show("failed", "signal", 0));
    StepResult s = runner(signal).run(new StepAttempt(task, 1, 1));
    assertThat(s.exitCode()).isEqualTo(StepResult.NOT_STARTED);
    assertThat(s.message()).isEqualTo("unit ended with result signal");

    ScriptedCommands pull =
        new ScriptedCommands().on("podman pull", new Commands.Result(125, "manifest unknown"));
    StepResult p = runner(pull).run(new StepAttempt(task, 2, 1));
    assertThat(p.exitCode()).isEqualTo(StepResult.NOT_STARTED);
    assertThat(p.message()).isEqualTo("image pull failed");
    assertThat(p.logTail()).contains("manifest unknown");
  }

  @Test
  void withTheSiteKeyEveryPullIsCheckedAndARefusedSignatureFailsTheStepAtOnce() throws Exception {
    java.nio.file.Files.writeString(
        tmp.resolve("tool-signing.pub"), "-----BEGIN PUBLIC KEY-----\n");
    ScriptedCommands c =
        new ScriptedCommands()
            .on(
                "podman pull",
                new Commands.Result(
                    125,
                    "Error: Source image rejected: A signature was required, but no signature exists"));
    QuadletRunner r =
        new QuadletRunner(
                tmp.resolve("units"),
                tmp.resolve("run"),
                c,
                Duration.ofMinutes(1),
                Duration.ofMillis(1),
                Duration.ofMinutes(10))
            .withToolSignatures(tmp.resolve("policy.json"), tmp.resolve("tool-signing.pub"));
    StepResult p = r.run(new StepAttempt(task, 0, 1));
    assertThat(p.succeeded()).isFalse();
    assertThat(p.message())
        .isEqualTo(
            "image "
                + task.steps().get(0).image()
                + " refused: its signature does not verify against the site's key ("
                + tmp.resolve("tool-signing.pub")
                + ")");
    assertThat(p.logTail()).contains("no signature exists");
    // Refused by policy: not tried again for ten minutes like an unreachable registry.
    assertThat(c.calls).hasSize(1);
    assertThat(c.calls.get(0)).contains("--signature-policy=" + tmp.resolve("policy.json"));
  }

  @Test
  void theTasksKeysReplaceTheBakedPolicyAndARefusalNamesTheImage() throws Exception {
    Files.writeString(tmp.resolve("tool-signing.pub"), "-----BEGIN PUBLIC KEY-----\n");
    String key = ecPublicKeyPem();
    Task signed = task.withToolSigningKeys(List.of(key, key));
    ScriptedCommands c =
        new ScriptedCommands()
            .on("systemctl daemon-reload", ok(""))
            .on(
                "podman pull",
                new Commands.Result(
                    125,
                    "Error: Source image rejected: cryptographic signature verification failed"));
    QuadletRunner r =
        runner(c).withToolSignatures(tmp.resolve("policy.json"), tmp.resolve("tool-signing.pub"));
    r.prepare(signed);
    assertThat(Files.readString(tmp.resolve("run/tool-signing/key-1.pub"))).isEqualTo(key);
    String policy = Files.readString(tmp.resolve("run/tool-policy.json"));
    assertThat(policy)
        .isEqualTo(
            QuadletRunner.toolPolicy(
                "plinth.example:8443",
                List.of(
                    tmp.resolve("run/tool-signing/key-1.pub"),
                    tmp.resolve("run/tool-signing/key-2.pub"))));
    assertThat(policy)
        .contains("\"default\": [{\"type\": \"reject\"}]")
        .contains("\"plinth.example:8443\": [")
        .contains("\"type\": \"sigstoreSigned\"")
        .contains("\"signedIdentity\": {\"type\": \"matchRepository\"}");
    StepResult p = r.run(new StepAttempt(signed, 1, 1));
    assertThat(p.exitCode()).isEqualTo(StepResult.NOT_STARTED);
    assertThat(p.message())
        .isEqualTo(
            "image "
                + signed.steps().get(1).image()
                + " refused: its signature does not verify against the site's key (any of the"
                + " task's 2 toolSigningKeys)");
    assertThat(c.calls.get(1))
        .contains("--signature-policy=" + tmp.resolve("run/tool-policy.json"));
  }

  /** A fresh P-256 public key as PEM SPKI, like ci keygen's signing.pub. */
  static String ecPublicKeyPem() throws Exception {
    var g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(g.generateKeyPair().getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void withoutAnyKeyPullsAreNotChecked() throws Exception {
    ScriptedCommands c = new ScriptedCommands().on("podman pull", new Commands.Result(1, "x"));
    runner(c)
        .withToolSignatures(tmp.resolve("policy.json"), tmp.resolve("absent.pub"))
        .run(new StepAttempt(task, 0, 1));
    assertThat(c.calls.get(0)).noneMatch(a -> a.startsWith("--signature-policy"));
  }

  @Test
  void aUnitThatNeverRanOrDoesNotExistIsNotASuccess() throws Exception {
    ScriptedCommands stale =
        new ScriptedCommands()
            .on("podman pull", ok(""))
            .on("systemctl reset-failed", ok(""))
            .on("systemctl start", new Commands.Result(1, "Failed to start: dependency"))
            .on("systemctl show", show("inactive", "success", 0));
    StepResult r = runner(stale).run(new StepAttempt(task, 0, 2));
    assertThat(r.exitCode()).isEqualTo(StepResult.NOT_STARTED);
    assertThat(r.message()).contains("did not start");
    assertThat(r.logTail()).contains("dependency");

    ScriptedCommands missing =
        new ScriptedCommands()
            .on("podman pull", ok(""))
            .on("systemctl reset-failed", ok(""))
            .on(
                "systemctl start",
                new Commands.Result(5, "Unit plinth-step-01-partition.service not found."))
            .on(
                "systemctl show",
                ok(
                    "LoadState=not-found\nActiveState=inactive\nResult=success\nExecMainStatus=0\nInvocationID=\n"));
    StepResult m = runner(missing).run(new StepAttempt(task, 0, 1));
    assertThat(m.exitCode()).isEqualTo(StepResult.NOT_STARTED);
    assertThat(m.message()).contains("Quadlet did not generate it");
  }

  @Test
  void reattachWaitsForARunningUnitAndIgnoresOneNeverStarted() throws Exception {
    ScriptedCommands running =
        new ScriptedCommands()
            .on(
                "systemctl show",
                show("active", "success", 0),
                show("active", "success", 0),
                show("inactive", "success", 0));
    assertThat(runner(running).reattach(new StepAttempt(task, 0, 1)))
        .hasValueSatisfying(r -> assertThat(r.succeeded()).isTrue());
    ScriptedCommands never =
        new ScriptedCommands().on("systemctl show", show("inactive", "success", 0));
    assertThat(runner(never).reattach(new StepAttempt(task, 0, 1))).isEmpty();
    ScriptedCommands ended =
        new ScriptedCommands().on("systemctl show", show("failed", "exit-code", 2));
    assertThat(runner(ended).reattach(new StepAttempt(task, 0, 1)))
        .hasValueSatisfying(r -> assertThat(r.exitCode()).isEqualTo(2));
  }

  @Test
  void systemSetupUsesTheDocumentedDirectories() {
    assertThat(QuadletRunner.system().name()).isEqualTo("quadlet");
  }
}
