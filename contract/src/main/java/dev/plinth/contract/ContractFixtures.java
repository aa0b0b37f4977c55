/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The golden fixtures both sides of the contracts test against, in {@code
 * dev/plinth/contract/fixtures/} on the class path:
 *
 * <pre>
 * fixtures/
 * ├── ca.pem                      the example task's CA bundle
 * ├── task-v1.json                task.json of {@link #exampleTask()}, byte for byte
 * ├── task-v1.SHA256SUMS          SHA256SUMS of that task ISO
 * ├── events-job-0001.jsonl      every event of the example job, one body per line
 * ├── event-booted.json           one Webhook v1 body per event type, taken from that job
 * ├── event-step-started.json     ({@link #EVENT_FILES} says which)
 * ├── event-step-failed.json
 * ├── event-step-succeeded.json
 * ├── event-heartbeat.json
 * ├── event-finished.json
 * ├── event-invalid.json          a step.failed without step, exitCode or willRetry (refused: 422)
 * └── webhook-v1-signed.properties  key, timestamp, body file and the expected signature header
 * </pre>
 */
public final class ContractFixtures {

  public static final String DIR = "/dev/plinth/contract/fixtures/";

  /** The example job's HMAC key (base64 of the bytes 0x00..0x1f). */
  public static final String HMAC_KEY_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  /** The example job's token. */
  public static final String JOB_TOKEN = "plt_job_0001_fixture_token_not_a_secret";

  private static final String DIGEST_A = "sha256:" + "a".repeat(64);
  private static final String DIGEST_B = "sha256:" + "b".repeat(64);
  private static final String DIGEST_C = "sha256:" + "c".repeat(64);

  private ContractFixtures() {}

  /** The bytes of a fixture file. */
  public static byte[] read(String name) {
    try (InputStream in = ContractFixtures.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no contract fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The task that {@code task-v1.json} serializes: three steps on the {@code target-disk} chosen by
   * disk rules, one of them with files (config-drive input).
   */
  public static Task exampleTask() {
    String host = "plinth.example:8443";
    var env = new TreeMap<String, String>();
    env.put("IMAGE_URL", "https://plinth.example:8443/media/os/debian-12.raw.zst");
    var files = new TreeMap<String, String>();
    files.put("/plinth/input/meta-data", "{\"instance-id\":\"m1\"}\n");
    files.put("/plinth/input/user-data", "#cloud-config\nhostname: m1\n");
    List<String> target = List.of(TaskStep.TARGET_DISK);
    List<TaskStep> steps =
        List.of(
            new TaskStep(
                "partition",
                host + "/plinth/tools/sgdisk@" + DIGEST_A,
                List.of(
                    "partition",
                    "--table",
                    "gpt",
                    "--part",
                    "1:esp:536870912:C12A7328-F81F-11D2-BA4B-00A0C93EC93B:vfat",
                    "--part",
                    "2:root:rest:4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709:ext4"),
                null,
                300,
                1,
                OnFailure.ABORT,
                target,
                null,
                true),
            new TaskStep(
                "write-image",
                host + "/plinth/tools/linux-imager@" + DIGEST_B,
                List.of("write", "--format", "raw", "--target", "partition=root"),
                env,
                3600,
                2,
                OnFailure.ABORT,
                target,
                List.of(new StepMount("/run/plinth-dispatcher/scratch", "/scratch", false)),
                true),
            new TaskStep(
                "config-drive",
                host + "/plinth/tools/config-drive@" + DIGEST_C,
                List.of("write", "--format", "cloud-init", "--target", "new-partition=cidata"),
                null,
                120,
                0,
                OnFailure.CONTINUE,
                target,
                null,
                true,
                files));
    return Task.v1(
            "job-0001",
            "debian-12-basic",
            new MachineRef("m1", "4c4c4544-0042-3510-8052-b4c04f4e3832", "CZ1234ABCD"),
            new ControllerUrls(
                "https://plinth.example:8443",
                "https://plinth.example:8443/webhooks/v1/jobs/job-0001/events",
                "https://plinth.example:8443"),
            host,
            new String(read("ca.pem"), StandardCharsets.US_ASCII),
            new JobCredentials(JOB_TOKEN, HMAC_KEY_B64),
            steps)
        .withDisk(
            new DiskRules(
                null, null, null, null, false, null, 100_000_000_000L, null, DiskRules.SMALLEST));
  }

  /**
   * The events of the example job, in sequence order ({@code events-job-0001.jsonl}): partition
   * fails once and succeeds on its retry, the other steps succeed, the job finishes succeeded.
   */
  public static List<Event> exampleEvents() {
    Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
    List<Event> events = new ArrayList<>();
    events.add(ev(1, EventType.BOOTED, t0).message("dispatcher 0.1.0 on m1").build());
    events.add(ev(2, EventType.STEP_STARTED, t0.plusSeconds(5)).step(0, "partition", 1).build());
    events.add(
        ev(3, EventType.STEP_FAILED, t0.plusSeconds(9))
            .step(0, "partition", 1)
            .result(2, 4012, "sgdisk: /dev/sda is busy\n")
            .willRetry(true)
            .message("exit status 2")
            .build());
    events.add(ev(4, EventType.STEP_STARTED, t0.plusSeconds(14)).step(0, "partition", 2).build());
    events.add(ev(5, EventType.HEARTBEAT, t0.plusSeconds(44)).step(0, "partition", 2).build());
    events.add(
        ev(6, EventType.STEP_SUCCEEDED, t0.plusSeconds(50))
            .step(0, "partition", 2)
            .result(0, 36_125, "The operation has completed successfully.\n")
            .build());
    events.add(ev(7, EventType.STEP_STARTED, t0.plusSeconds(51)).step(1, "write-image", 1).build());
    events.add(
        ev(8, EventType.STEP_SUCCEEDED, t0.plusSeconds(171))
            .step(1, "write-image", 1)
            .result(0, 120_004, "wrote 2147483648 bytes to /dev/sda\n")
            .build());
    events.add(
        ev(9, EventType.STEP_STARTED, t0.plusSeconds(172)).step(2, "config-drive", 1).build());
    events.add(
        ev(10, EventType.STEP_SUCCEEDED, t0.plusSeconds(174))
            .step(2, "config-drive", 1)
            .result(0, 1_870, "")
            .build());
    events.add(
        ev(11, EventType.FINISHED, t0.plusSeconds(175))
            .outcome(Event.OUTCOME_SUCCEEDED)
            .message("3 of 3 steps succeeded")
            .build());
    return List.copyOf(events);
  }

  /** Which event of {@link #exampleEvents()} each single-event fixture file holds. */
  public static final java.util.Map<String, Integer> EVENT_FILES =
      java.util.Map.of(
          "event-booted.json", 1,
          "event-step-started.json", 2,
          "event-step-failed.json", 3,
          "event-heartbeat.json", 5,
          "event-step-succeeded.json", 6,
          "event-finished.json", 11);

  private static Event.Builder ev(long seq, EventType type, Instant time) {
    return Event.builder("job-0001", seq, type, time)
        .eventId(String.format("00000000-0000-4000-8000-%012d", seq));
  }
}
