/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.LogChunk;
import dev.plinth.contract.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming a step's output: whole lines, redacted, rate-limited, bounded, best effort. */
class LogStreamerTest {

  private static final Task TASK = ContractFixtures.exampleTask();

  @TempDir Path dir;
  final List<LogChunk> sent = new CopyOnWriteArrayList<>();

  /** A sink that acknowledges everything, as the controller does. */
  WebhookClient.Answer ack(LogChunk c) {
    sent.add(c);
    return new WebhookClient.Answer(WebhookClient.Outcome.ACKED, 202, "stored");
  }

  static LogStreamer.Limits limits(long perStep, long rate, long burst) {
    return new LogStreamer.Limits(perStep, 1 << 20, rate, burst, 200, Duration.ofMillis(50));
  }

  String all() {
    StringBuilder b = new StringBuilder();
    sent.forEach(c -> b.append(c.text()));
    return b.toString();
  }

  void append(Path f, String s) throws IOException {
    Files.writeString(
        f, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void linesAreStreamedWhileTheStepRunsWithTheJobsSecretsRedacted() throws Exception {
    LogStreamer s =
        new LogStreamer(TASK, this::ack, limits(1 << 20, 1 << 20, 1 << 20), Clock.systemUTC());
    Path out = dir.resolve("output.log");
    LogStreamer.Follow f = s.follow("partition", 0, 1, out);
    append(out, "creating GPT\ntoken " + TASK.credentials().jobToken() + " in a line\npart");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (sent.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(sent).as("a chunk arrives before the step ends").isNotEmpty();
    assertThat(sent.getFirst().text())
        .isEqualTo("creating GPT\ntoken [REDACTED] in a line\n")
        .doesNotContain(TASK.credentials().jobToken());
    append(out, "ial line\r\nkey " + TASK.credentials().webhookHmacKey() + " end");
    f.close();
    assertThat(all())
        .isEqualTo("creating GPT\ntoken [REDACTED] in a line\npartial line\nkey [REDACTED] end\n");
    // Numbered 1, 2, 3... (how many depends on when the reads fell).
    for (int i = 0; i < sent.size(); i++) {
      assertThat(sent.get(i).chunk()).isEqualTo(i + 1L);
    }
    assertThat(sent)
        .allSatisfy(
            c -> {
              assertThat(c.jobId()).isEqualTo(TASK.jobId());
              assertThat(c.step()).isEqualTo("partition");
              assertThat(c.attempt()).isEqualTo(1);
              assertThat(c.truncatedHere()).isFalse();
            });
  }

  @Test
  void aStepsOutputIsBoundedWithAMarkerAndLongLinesAreClipped() throws Exception {
    LogStreamer s =
        new LogStreamer(TASK, this::ack, limits(2000, 1 << 20, 1 << 20), Clock.systemUTC());
    Path out = dir.resolve("output.log");
    append(out, "z".repeat(500) + "\n" + ("x".repeat(99) + "\n").repeat(100));
    s.follow("image", 1, 1, out).close();
    String text = all();
    assertThat(text).startsWith("z".repeat(200) + " [plinth: line clipped]\n");
    assertThat(text)
        .endsWith(
            "[plinth: output truncated: the dispatcher sends at most 2000 bytes per step and 1048576 per job]\n");
    assertThat(text.length()).isLessThan(2000 + 120);
    assertThat(sent.getLast().truncatedHere()).isTrue();
    // The bound is per attempt: the next one streams again, and the job's total is kept.
    sent.clear();
    append(dir.resolve("second.log"), "again\n");
    s.follow("image", 1, 2, dir.resolve("second.log")).close();
    assertThat(all()).isEqualTo("again\n");
  }

  @Test
  void linesOverTheRateAreDroppedAndCounted() throws Exception {
    // A bucket of 1,000 bytes refilled at 100 bytes/s: a burst of 100 lines of 100 bytes keeps ~10.
    LogStreamer s = new LogStreamer(TASK, this::ack, limits(1 << 20, 100, 1000), Clock.systemUTC());
    Path out = dir.resolve("output.log");
    append(out, ("r".repeat(99) + "\n").repeat(100));
    s.follow("flood", 2, 1, out).close();
    long kept = all().lines().count();
    long dropped = sent.stream().mapToLong(LogChunk::droppedLines).sum();
    assertThat(kept).isBetween(9L, 12L);
    assertThat(kept + dropped).isEqualTo(100);
  }

  @Test
  void aRefusalEndsTheAttemptsStream() throws Exception {
    List<LogChunk> tried = new CopyOnWriteArrayList<>();
    LogStreamer s =
        new LogStreamer(
            TASK,
            c -> {
              tried.add(c);
              return new WebhookClient.Answer(WebhookClient.Outcome.REJECTED, 413, "log-full");
            },
            new LogStreamer.Limits(1 << 20, 1 << 20, 1 << 20, 1 << 20, 200, Duration.ofMillis(20)),
            Clock.systemUTC());
    Path out = dir.resolve("output.log");
    LogStreamer.Follow f = s.follow("e", 0, 1, out);
    append(out, "one\n");
    Thread.sleep(200);
    append(out, "two\n");
    Thread.sleep(200);
    f.close();
    assertThat(tried).hasSize(1);
    assertThat(f.sent()).isZero();
  }

  @Test
  void aRestartedDispatcherGoesOnWhereTheStreamStoodWithTheNextChunkNumber() throws Exception {
    LogStreamer.Limits fast = limits(1 << 20, 1 << 20, 1 << 20);
    Path out = dir.resolve("attempt-1.log");
    append(out, "first line\nsecond line\nhalf a li");
    LogStreamer.Follow f =
        new LogStreamer(TASK, this::ack, fast, Clock.systemUTC()).follow("p", 0, 1, out);
    awaitChunks(1);
    // The dispatcher dies here (no close); the tool goes on writing meanwhile.
    append(out, "ne\nthird line\n");
    f.close();
    sent.clear();
    // As the first dispatcher left it after its first chunk: 23 bytes of two lines sent.
    Files.writeString(out.resolveSibling("attempt-1.log.sent"), "23 1 23\n");
    LogStreamer.Follow again =
        new LogStreamer(TASK, this::ack, fast, Clock.systemUTC()).follow("p", 0, 1, out);
    append(out, "fourth line\n");
    awaitChunks(1);
    again.close();
    assertThat(all()).isEqualTo("half a line\nthird line\nfourth line\n");
    assertThat(sent.getFirst().chunk()).isEqualTo(2L);
  }

  @Test
  void theProgressFileRecordsTheOffsetOfTheLastLineSent() throws Exception {
    Path out = dir.resolve("attempt-2.log");
    append(out, "one\ntwo\npart");
    LogStreamer.Follow f =
        new LogStreamer(TASK, this::ack, limits(1 << 20, 1 << 20, 1 << 20), Clock.systemUTC())
            .follow("p", 0, 2, out);
    awaitChunks(1);
    Path progress = dir.resolve("attempt-2.log.sent");
    for (int i = 0; i < 100 && !Files.exists(progress); i++) {
      Thread.sleep(20);
    }
    assertThat(Files.readString(progress)).isEqualTo("8 1 8\n");
    f.close();
  }

  @Test
  void aFileTheRunnerEmptiedIsReadAgainFromItsStart() throws Exception {
    Path out = dir.resolve("attempt-1.log");
    append(out, "before\n");
    LogStreamer.Follow f =
        new LogStreamer(TASK, this::ack, limits(1 << 20, 1 << 20, 1 << 20), Clock.systemUTC())
            .follow("p", 0, 1, out);
    awaitChunks(1);
    Files.writeString(out, "");
    Thread.sleep(150);
    append(out, "after\n");
    f.close();
    assertThat(all())
        .startsWith("before\n[plinth: the output file grew too big")
        .endsWith("\nafter\n");
  }

  void awaitChunks(int n) throws InterruptedException {
    for (int i = 0; i < 200 && sent.size() < n; i++) {
      Thread.sleep(20);
    }
    assertThat(sent).hasSizeGreaterThanOrEqualTo(n);
  }

  @Test
  void theEventsUrlGivesTheLogsUrl() {
    assertThat(
            WebhookClient.logsUrl(java.net.URI.create("https://c:8443/webhooks/v1/jobs/j1/events")))
        .hasToString("https://c:8443/webhooks/v1/jobs/j1/logs");
  }
}
