/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.contract.TaskStep;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.testing.TestController;
import dev.plinth.iso.IsoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskBuilderTest {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final String WIPE =
      "apiVersion: plinth.dev/v1\nkind: Recipe\nmetadata: {name: wipe}\n"
          + "steps:\n  - name: erase\n    wipe: {method: secure-erase, disks: all}\n";

  @TempDir Path dir;

  static Machine machine() {
    return new Machine(
        "m-1", "m1", "https://10.0.0.1", "root", "x", false, Map.of(), null, 1, T0, T0);
  }

  static Job job(String recipe) {
    return new Job(
        "j0001",
        "m-1",
        "m1",
        "10.0.0.1",
        recipe,
        JobState.PENDING,
        null,
        null,
        null,
        false,
        "h",
        "s",
        "media",
        1,
        null,
        null,
        1,
        T0,
        T0,
        null);
  }

  @Test
  void buildsAVerifiableTaskIsoWithTheSameBytesEveryTime() throws Exception {
    TaskBuilder b = new TaskBuilder(TestController.FIXTURE_RESOLVER, "ctl.example:8080");
    JobSecrets secrets =
        new JobSecrets("plinthjob_t", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    Task task = b.task(job(WIPE), machine(), secrets, "http://ctl.example:8080/");
    assertThat(task.controller().webhook())
        .isEqualTo("http://ctl.example:8080/webhooks/v1/jobs/j0001/events");
    assertThat(task.credentials().jobToken()).isEqualTo("plinthjob_t");
    assertThat(task.steps()).isNotEmpty();
    for (TaskStep s : task.steps()) {
      assertThat(s.image()).startsWith("ctl.example:8080/").contains("@sha256:");
    }
    assertThat(task.steps().stream().flatMap(s -> s.devices().stream()))
        .contains(TaskStep.ALL_DISKS);
    Path a = dir.resolve("a/task.iso");
    Path c = dir.resolve("c/task.iso");
    Files.createDirectories(dir.resolve("tmp"));
    TaskBuilder.writeIso(task, T0.getEpochSecond(), a, dir.resolve("tmp"));
    TaskBuilder.writeIso(
        b.task(job(WIPE), machine(), secrets, "http://ctl.example:8080"),
        T0.getEpochSecond(),
        c,
        dir.resolve("tmp"));
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(c));
    try (IsoReader r = IsoReader.open(a)) {
      assertThat(r.volumeId()).isEqualTo(TaskIsoV1.VOLUME_LABEL);
      Task read =
          TaskIsoV1.verify(
              Map.of(
                  TaskIsoV1.TASK_JSON,
                      r.readAllBytes(TaskIsoV1.TASK_JSON, TaskIsoV1.MAX_FILE_BYTES),
                  TaskIsoV1.SHA256SUMS,
                      r.readAllBytes(TaskIsoV1.SHA256SUMS, TaskIsoV1.MAX_FILE_BYTES)));
      assertThat(read).isEqualTo(task);
    }
    assertThat(dir.resolve("tmp")).isEmptyDirectory();
  }

  @Test
  void unresolvableImagesAndInvalidRecipesAreClearFailures() {
    TaskBuilder none = new TaskBuilder(ref -> Optional.empty(), "ctl:1");
    JobSecrets s = new JobSecrets("t", "AAAA");
    var e =
        assertThrows(
            TaskBuilder.TaskException.class,
            () -> none.task(job(WIPE), machine(), s, "http://ctl:1"));
    assertThat(e.getMessage()).contains("cannot be expanded");
    TaskBuilder any = new TaskBuilder(TestController.FIXTURE_RESOLVER, "ctl:1");
    var bad =
        assertThrows(
            TaskBuilder.TaskException.class,
            () -> any.task(job("kind: Nope"), machine(), s, "http://ctl:1"));
    assertThat(bad.getMessage()).startsWith("recipe is invalid");
  }

  @Test
  void secretsSealAndOpenOnlyForTheirJob() {
    var box = dev.plinth.controller.security.SecretBox.of(new byte[32]);
    JobSecrets s = JobSecrets.create();
    String sealed = s.seal(box, "j1");
    assertThat(JobSecrets.open(box, "j1", sealed)).isEqualTo(s);
    assertThat(sealed).doesNotContain(s.token());
    assertThrows(IllegalArgumentException.class, () -> JobSecrets.open(box, "j2", sealed));
    assertThat(s.toString()).doesNotContain(s.token());
    assertThat(java.util.Base64.getDecoder().decode(s.hmacKey())).hasSize(32);
  }
}
