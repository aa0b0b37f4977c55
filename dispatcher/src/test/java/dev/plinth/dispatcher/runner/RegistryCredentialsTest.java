/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.JobCredentials;
import dev.plinth.contract.Task;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * An external registry's pull credentials in task.json (optional, added within v1), as podman gets
 * them; their validation is tested in the contract module.
 */
class RegistryCredentialsTest {

  private static final Task OK = ContractFixtures.exampleTask();

  private static Task with(JobCredentials c) {
    return new Task(
        OK.apiVersion(),
        OK.kind(),
        OK.jobId(),
        OK.recipe(),
        OK.machine(),
        OK.controller(),
        OK.registryHost(),
        OK.caBundle(),
        c,
        OK.steps(),
        OK.disk());
  }

  private static JobCredentials robot(String user, String password) {
    return new JobCredentials(
        ContractFixtures.JOB_TOKEN, ContractFixtures.HMAC_KEY_B64, user, password);
  }

  @Test
  void absentRegistryCredentialsAreOmittedAndThePullIsAsTheJob() throws Exception {
    String json = new String(ContractJson.writeTask(OK), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("registryUsername").doesNotContain("registryPassword");
    assertThat(decodedAuth(OK)).isEqualTo(OK.jobId() + ":" + ContractFixtures.JOB_TOKEN);
  }

  @Test
  void registryCredentialsRoundTripAndAreWhatPodmanGets() throws Exception {
    Task t = with(robot("robot$plinth-pull", "s3cret"));
    Task back = ContractJson.readTask(ContractJson.writeTask(t));
    assertThat(back.credentials().registryUsername()).isEqualTo("robot$plinth-pull");
    assertThat(back.credentials().registryPassword()).isEqualTo("s3cret");
    assertThat(decodedAuth(back)).isEqualTo("robot$plinth-pull:s3cret");
    assertThat(back.credentials().toString()).doesNotContain("s3cret");
  }

  private static String decodedAuth(Task t) throws Exception {
    var auth =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(QuadletRunner.authJson(t))
            .path("auths")
            .path(t.registryHost())
            .path("auth")
            .asText();
    return new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
  }
}
