/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * An external registry's pull credentials in task.json (optional, added within v1): both or
 * neither. What podman gets from them is tested in the dispatcher (runner.RegistryCredentialsTest).
 */
class RegistryCredentialsValidationTest {

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
  void halfOfThePairOrAColonInTheUserIsRefused() {
    assertThat(TaskValidation.problems(with(robot("robot", null))))
        .contains("credentials.registryUsername and registryPassword: both or neither");
    assertThat(TaskValidation.problems(with(robot(null, "pw"))))
        .contains("credentials.registryUsername and registryPassword: both or neither");
    assertThat(TaskValidation.problems(with(robot("a:b", "pw"))))
        .contains("credentials.registryUsername: must not contain ':'");
    assertThat(TaskValidation.problems(with(robot("robot", "pw")))).isEmpty();
  }
}
