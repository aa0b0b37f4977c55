/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import dev.plinth.contract.ControllerUrls;
import dev.plinth.contract.JobCredentials;
import dev.plinth.contract.MachineRef;
import dev.plinth.contract.OnFailure;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Small tasks for tests, pointing at a {@link FakeController}. */
final class TestTasks {
  static final String TOKEN = "test-token";
  static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final String REGISTRY = "registry.test:5000";

  private TestTasks() {}

  static TaskStep step(
      String name,
      String tool,
      List<String> args,
      Map<String, String> env,
      int retries,
      OnFailure onFailure) {
    return new TaskStep(
        name,
        REGISTRY + "/plinth/tools/" + tool + "@sha256:" + "d".repeat(64),
        args,
        env,
        20,
        retries,
        onFailure,
        List.of("/dev/sda"),
        List.of(),
        false);
  }

  static TaskStep step(String name, String tool, String... args) {
    return step(name, tool, List.of(args), Map.of(), 0, OnFailure.ABORT);
  }

  static Task task(String jobId, String webhookUrl, List<TaskStep> steps) {
    String base = webhookUrl.substring(0, webhookUrl.indexOf("/webhooks/"));
    return Task.v1(
        jobId,
        "test",
        new MachineRef("m1", null, null),
        new ControllerUrls(base, webhookUrl, "http://" + REGISTRY),
        REGISTRY,
        null,
        new JobCredentials(TOKEN, Base64.getEncoder().encodeToString(KEY)),
        steps);
  }
}
