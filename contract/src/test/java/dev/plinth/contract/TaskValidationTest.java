/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskValidationTest {

  private static final Task OK = ContractFixtures.exampleTask();

  private static Task withSteps(List<TaskStep> steps) {
    return new Task(
        OK.apiVersion(),
        OK.kind(),
        OK.jobId(),
        OK.recipe(),
        OK.machine(),
        OK.controller(),
        OK.registryHost(),
        OK.caBundle(),
        OK.credentials(),
        steps);
  }

  private static List<String> problems(Task t) {
    return TaskValidation.problems(t);
  }

  @Test
  void exampleTaskIsValid() {
    assertThat(problems(OK)).isEmpty();
  }

  @Test
  void stepProblemsNameTheirPath() {
    TaskStep good = OK.steps().get(0);
    TaskStep tagged = TaskStep.of("b", "plinth.example:8443/plinth/tools/x:latest", List.of());
    TaskStep foreign = TaskStep.of("c", "docker.io/library/x@sha256:" + "0".repeat(64), List.of());
    TaskStep bad =
        new TaskStep(
            "Bad_Name",
            good.image(),
            List.of(),
            Map.of("1X", "v"),
            0,
            11,
            null,
            List.of("/etc/passwd"),
            List.of(new StepMount("rel", "/x", true)),
            false);
    List<String> p = problems(withSteps(List.of(good, good, tagged, foreign, bad)));
    assertThat(p)
        .contains(
            "steps[1].name: duplicate step name partition",
            "steps[4].name: must match [a-z0-9][a-z0-9-]{0,62}, is Bad_Name",
            "steps[4].timeoutSeconds: must be 1..86400, is 0",
            "steps[4].retries: must be 0..10, is 11",
            "steps[4].env.1X: bad variable name or null value",
            "steps[4].devices[0]: must be a path under /dev/, target-disk or all-disks, is /etc/passwd")
        .anyMatch(s -> s.startsWith("steps[2].image: image is not pinned by digest"))
        .anyMatch(s -> s.startsWith("steps[3].image: not from the task's registry"))
        .anyMatch(s -> s.startsWith("steps[4].mounts[0]:"));
  }

  @Test
  void topLevelProblemsAreAllListed() {
    Task t =
        new Task(
            "v0",
            "Job",
            "bad id",
            null,
            new MachineRef("", "nope", " "),
            new ControllerUrls("ftp://x", "https://c/webhooks/v1/jobs/other/events", null),
            null,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            new JobCredentials("", "AAAA"),
            List.of());
    assertThat(problems(t))
        .anyMatch(s -> s.startsWith("apiVersion:"))
        .anyMatch(s -> s.startsWith("kind:"))
        .anyMatch(s -> s.startsWith("jobId:"))
        .contains(
            "machine.id: required",
            "machine.systemUuid: not a UUID: nope",
            "registryHost: required",
            "credentials.jobToken: required",
            "credentials.webhookHmacKey: shorter than 16 bytes",
            "controller.registry: required",
            "steps: at least one step is required")
        .anyMatch(s -> s.startsWith("controller.api: must be an absolute http(s) URL"))
        .anyMatch(s -> s.startsWith("controller.webhook: must end with"))
        .anyMatch(s -> s.startsWith("caBundle:"));
  }

  @Test
  void toolSigningKeysAreOptionalPublicKeysAndRoundTrip() throws Exception {
    var g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    String key =
        "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(g.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Task t = OK.withToolSigningKeys(List.of(key));
    assertThat(problems(t)).isEmpty();
    String json = new String(ContractJson.writeTask(t), StandardCharsets.UTF_8);
    assertThat(json.indexOf("\"toolSigningKeys\"")).isGreaterThan(json.indexOf("\"registryHost\""));
    assertThat(ContractJson.readTask(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(t);
    // Absent when empty: the fixtures (and every task without keys) keep their bytes.
    assertThat(OK.withToolSigningKeys(List.of()).toolSigningKeys()).isNull();
    assertThat(new String(ContractJson.writeTask(OK), StandardCharsets.UTF_8))
        .doesNotContain("toolSigningKeys");
    assertThat(
            problems(
                OK.withToolSigningKeys(
                    List.of(
                        "not pem",
                        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                        key + key))))
        .containsExactly(
            "toolSigningKeys[0]: must hold exactly one PEM PUBLIC KEY block, holds 0",
            "toolSigningKeys[1]: must hold exactly one PEM PUBLIC KEY block, holds 0",
            "toolSigningKeys[2]: not an EC, RSA or Ed25519 public key",
            "toolSigningKeys[3]: must hold exactly one PEM PUBLIC KEY block, holds 2");
    assertThat(problems(OK.withToolSigningKeys(java.util.Collections.nCopies(9, key))))
        .containsExactly("toolSigningKeys: at most 8 keys, has 9");
  }

  @Test
  void missingSectionsAndBrokenJsonAreReported() {
    Task t = new Task(Task.API_VERSION, Task.KIND, "j1", null, null, null, "h", null, null, null);
    assertThat(problems(t))
        .contains("machine: required", "controller: required", "credentials: required");
    assertThat(
            assertThrows(
                    ContractException.class,
                    () -> ContractJson.readTask("{".getBytes(StandardCharsets.UTF_8)))
                .getMessage())
        .startsWith("task.json: not a valid Task v1 document");
    assertThat(
            assertThrows(
                    ContractException.class,
                    () -> ContractJson.readEvent("[]".getBytes(StandardCharsets.UTF_8)))
                .getMessage())
        .startsWith("event: not a valid Event v1 document");
  }

  @Test
  void imageRefParsesAndPrintsTheWireForm() {
    ImageRef r = ImageRef.parse("reg.example:5000/plinth/tools/sgdisk@sha256:" + "a".repeat(64));
    assertThat(r.registry()).isEqualTo("reg.example:5000");
    assertThat(r.repository()).isEqualTo("plinth/tools/sgdisk");
    assertThat(r.shortName()).isEqualTo("sgdisk");
    assertThat(r.toString())
        .isEqualTo("reg.example:5000/plinth/tools/sgdisk@sha256:" + "a".repeat(64));
    assertThrows(
        IllegalArgumentException.class, () -> ImageRef.parse("sgdisk@sha256:" + "a".repeat(64)));
    assertThrows(
        IllegalArgumentException.class, () -> ImageRef.parse("r/Upper@sha256:" + "a".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("r/x@sha256:abc"));
  }

  @Test
  void credentialsNeverPrint() {
    assertThat(OK.credentials().toString()).doesNotContain(ContractFixtures.JOB_TOKEN);
    assertThat(OK.toString()).doesNotContain(ContractFixtures.JOB_TOKEN);
  }
}
