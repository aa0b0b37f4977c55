/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The golden fixtures are exactly what the code writes, and read back to the same values. Run with
 * {@code -Dplinth.regenerateFixtures=true} to rewrite them after a deliberate contract change.
 */
class ContractFixturesTest {

  private static final boolean REGENERATE = Boolean.getBoolean("plinth.regenerateFixtures");
  static final long SIGNED_TIMESTAMP = 1_795_341_600L;

  @Test
  void taskJsonFixtureIsTheSerializedExampleByteForByte() throws Exception {
    byte[] written = ContractJson.writeTask(ContractFixtures.exampleTask());
    regenerate("task-v1.json", written);
    assertThat(new String(written, StandardCharsets.UTF_8))
        .isEqualTo(new String(ContractFixtures.read("task-v1.json"), StandardCharsets.UTF_8));
    assertThat(ContractJson.readTask(ContractFixtures.read("task-v1.json")))
        .isEqualTo(ContractFixtures.exampleTask());
  }

  @Test
  void sha256sumsFixtureMatchesTheFileMap() throws Exception {
    Map<String, byte[]> files = TaskIsoV1.files(ContractFixtures.exampleTask());
    regenerate("task-v1.SHA256SUMS", files.get(TaskIsoV1.SHA256SUMS));
    assertThat(files).containsOnlyKeys(TaskIsoV1.TASK_JSON, TaskIsoV1.SHA256SUMS);
    assertThat(files.get(TaskIsoV1.SHA256SUMS))
        .isEqualTo(ContractFixtures.read("task-v1.SHA256SUMS"));
    assertThat(new String(files.get(TaskIsoV1.SHA256SUMS), StandardCharsets.US_ASCII))
        .matches("[0-9a-f]{64}  task\\.json\n");
    assertThat(TaskIsoV1.verify(files)).isEqualTo(ContractFixtures.exampleTask());
  }

  @Test
  void eventFixturesAreTheSerializedExampleEvents() throws Exception {
    List<Event> events = ContractFixtures.exampleEvents();
    StringBuilder jsonl = new StringBuilder();
    for (Event e : events) {
      jsonl.append(new String(ContractJson.writeEvent(e), StandardCharsets.UTF_8)).append('\n');
    }
    regenerate("events-job-0001.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
    for (var f : ContractFixtures.EVENT_FILES.entrySet()) {
      regenerate(f.getKey(), ContractJson.writeEvent(events.get(f.getValue() - 1)));
    }
    assertThat(new String(ContractFixtures.read("events-job-0001.jsonl"), StandardCharsets.UTF_8))
        .isEqualTo(jsonl.toString());
    List<Event> parsed = new ArrayList<>();
    for (String line : jsonl.toString().split("\n")) {
      parsed.add(ContractJson.readEvent(line.getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(parsed).isEqualTo(events);
    for (var f : ContractFixtures.EVENT_FILES.entrySet()) {
      Event e = ContractJson.readEvent(ContractFixtures.read(f.getKey()));
      assertThat(e).isEqualTo(events.get(f.getValue() - 1));
      assertThat(e.sequence()).isEqualTo(f.getValue().longValue());
    }
    assertThat(events).extracting(Event::type).contains(EventType.values());
  }

  @Test
  void invalidEventFixtureIsRefusedWithEveryProblem() throws Exception {
    String invalid =
        "{\"apiVersion\":\"plinth.dev/v1\",\"kind\":\"Event\","
            + "\"eventId\":\"00000000-0000-4000-8000-000000000003\",\"jobId\":\"job-0001\","
            + "\"sequence\":3,\"type\":\"step.failed\",\"time\":\"2026-11-22T10:00:09Z\"}";
    regenerate("event-invalid.json", invalid.getBytes(StandardCharsets.UTF_8));
    ContractException e =
        assertThrows(
            ContractException.class,
            () -> ContractJson.readEvent(ContractFixtures.read("event-invalid.json")));
    assertThat(e.problems())
        .anyMatch(p -> p.startsWith("step:"))
        .anyMatch(p -> p.startsWith("exitCode:"))
        .anyMatch(p -> p.startsWith("willRetry:"));
  }

  @Test
  void signedWebhookFixtureVerifies() throws Exception {
    byte[] body = ContractFixtures.read("event-step-succeeded.json");
    byte[] key = new JobCredentials("t", ContractFixtures.HMAC_KEY_B64).hmacKey();
    String sig = WebhookSignature.sign(key, SIGNED_TIMESTAMP, body);
    String props =
        "# Webhook v1 signature example: HMAC-SHA256(key, timestamp + \".\" + body of bodyFile)\n"
            + "key="
            + ContractFixtures.HMAC_KEY_B64
            + "\n"
            + "timestamp="
            + SIGNED_TIMESTAMP
            + "\n"
            + "bodyFile=event-step-succeeded.json\n"
            + "signature="
            + sig
            + "\n";
    regenerate("webhook-v1-signed.properties", props.getBytes(StandardCharsets.US_ASCII));
    Properties p = new Properties();
    p.load(
        new StringReader(
            new String(
                ContractFixtures.read("webhook-v1-signed.properties"), StandardCharsets.US_ASCII)));
    assertThat(p.getProperty("signature")).isEqualTo(sig);
    assertThat(
            WebhookSignature.verify(
                key,
                p.getProperty("timestamp"),
                p.getProperty("signature"),
                ContractFixtures.read(p.getProperty("bodyFile")),
                Instant.ofEpochSecond(SIGNED_TIMESTAMP + 60)))
        .isEqualTo(WebhookSignature.Verdict.OK);
  }

  private static void regenerate(String name, byte[] content) throws IOException {
    if (REGENERATE) {
      Path dir = Path.of("src/main/resources" + ContractFixtures.DIR);
      Files.createDirectories(dir);
      Files.write(dir.resolve(name), content);
    }
  }
}
