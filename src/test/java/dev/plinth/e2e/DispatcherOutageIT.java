/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.dispatcher.DispatchResult;
import dev.plinth.dispatcher.Dispatcher;
import dev.plinth.dispatcher.DispatcherOptions;
import dev.plinth.dispatcher.intake.TaskIntake;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real controller in this JVM, a simulated BMC, and the real dispatcher (task ISO intake, local
 * runner, spool, reporter) running the task ISO the controller built and served. Every byte between
 * the machine and the controller goes through a {@link TcpForwarder} (the controller's public URL,
 * so the task's webhook URL points at it). While a step runs the controller becomes unreachable for
 * 30 s: first its answers are lost (it stores events the dispatcher never hears about), then every
 * connection is reset. Steps go on meanwhile; afterwards the job succeeds and the controller holds
 * every event of the dispatcher exactly once, in sequence order.
 */
class DispatcherOutageIT {

  static final Duration OUTAGE = Duration.ofSeconds(30);
  static final Duration LOST_ACKS = Duration.ofSeconds(3);

  // "long" outlasts the start of the outage and ends inside it; "last" runs entirely inside it.
  static final String RECIPE =
      """
      apiVersion: plinth.dev/v1
      kind: Recipe
      metadata: {name: outage}
      steps:
        - name: first
          run: {image: "plinth/tools/sgdisk:1", args: [--zap-all]}
        - name: long
          run: {image: "plinth/tools/linux-imager:1", env: {SIM_DELAY_MS: "20000"}}
        - name: last
          run: {image: "plinth/tools/config-drive:1"}
      """;

  @TempDir Path dir;

  @Test
  void controllerUnreachableForThirtySecondsMidJobGetsEveryEventOnceInOrder() throws Exception {
    Path state = dir.resolve("server");
    CompletableFuture<DispatchResult> dispatched = new CompletableFuture<>();
    AtomicReference<Thread> server = new AtomicReference<>();
    try (TcpForwarder net = new TcpForwarder();
        InProcessController plinth =
            InProcessController.start(
                dir.resolve("var"),
                net.url(),
                (bmc, media) -> {
                  if (server.compareAndSet(null, Thread.currentThread())) {
                    dispatch(media, state, dispatched);
                  }
                })) {
      net.upstream(plinth.port());
      String job = plinth.submit("m1", RECIPE);
      try {
        awaitStored(plinth, job, dispatched, e -> isStep(e, "step.started", "long"));
        Instant cut = Instant.now();
        net.mode(TcpForwarder.Mode.DROP_REPLIES);
        Thread.sleep(LOST_ACKS);
        Instant refusing = Instant.now();
        net.mode(TcpForwarder.Mode.REFUSE);
        Thread.sleep(OUTAGE.minus(LOST_ACKS));
        Instant restored = Instant.now();
        net.mode(TcpForwarder.Mode.PASS);

        DispatchResult r = dispatched.get(60, TimeUnit.SECONDS);
        JsonNode j = plinth.awaitFinal(job, Duration.ofSeconds(30));
        assertThat(r.succeeded()).as("the dispatcher's result").isTrue();
        assertThat(r.delivered()).as("every event acknowledged").isTrue();
        assertThat(j.path("state").asText()).as(j.toString()).isEqualTo("Succeeded");

        // The outage really happened: answers were lost, then connections refused.
        assertThat(net.droppedReplies()).as("answers lost").isPositive();
        assertThat(net.refused()).as("connections refused").isPositive();

        List<JsonNode> events = plinth.dispatcherEvents(job);
        DeliveredEvents.assertEveryEventOnceInOrder(events, state, job);
        assertThat(DeliveredEvents.milestones(events))
            .containsExactly(
                "booted",
                "step.started first",
                "step.succeeded first",
                "step.started long",
                "step.succeeded long",
                "step.started last",
                "step.succeeded last",
                "finished");
        assertThat(events)
            .as("heartbeats while 'long' ran, before and after the outage")
            .anyMatch(e -> isStep(e, "heartbeat", "long"));
        // Nothing reached the controller while it refused (1 s for a request in flight at the cut).
        assertThat(events)
            .noneMatch(
                e -> {
                  Instant at = storedAt(e);
                  return at.isAfter(refusing.plusSeconds(1)) && at.isBefore(restored);
                });
        // Steps went on during the outage; their events were spooled and delivered afterwards.
        for (String step : List.of("long", "last")) {
          JsonNode done = find(events, e -> isStep(e, "step.succeeded", step));
          assertThat(happenedAt(done))
              .as(step + " ended during the outage")
              .isBetween(cut, restored);
          assertThat(storedAt(done)).as(step + " stored after it").isAfterOrEqualTo(restored);
        }
        assertThat(storedAt(find(events, e -> "finished".equals(e.path("type").asText()))))
            .isAfterOrEqualTo(restored);
      } finally {
        Thread t = server.get();
        if (t != null) {
          t.interrupt();
        }
      }
    }
  }

  /** Plays the server: finds and downloads the task ISO, runs the dispatcher on it. */
  private static void dispatch(
      List<URI> media, Path state, CompletableFuture<DispatchResult> result) {
    try {
      Path iso = TaskMedium.download(media, Files.createDirectories(state).resolve("medium.iso"));
      TaskIntake intake = TaskIntake.system(state);
      result.complete(
          Dispatcher.run(
              DispatcherOptions.localSimulation(state, () -> intake.load(iso))
                  .requestTimeout(Duration.ofSeconds(5))
                  .drainTimeout(Duration.ofMinutes(2))
                  .build()));
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  static boolean isStep(JsonNode e, String type, String step) {
    return type.equals(e.path("type").asText()) && step.equals(e.path("step").asText());
  }

  static JsonNode find(List<JsonNode> events, Predicate<JsonNode> p) {
    return events.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError(events));
  }

  /** When the controller stored the event. */
  static Instant storedAt(JsonNode e) {
    return Instant.parse(e.path("at").asText());
  }

  /** When the dispatcher says it happened. */
  static Instant happenedAt(JsonNode e) {
    return Instant.parse(e.path("data").path("time").asText());
  }

  /** Polls the controller's events until one matches (or the dispatcher ended, or 60 s). */
  static void awaitStored(
      InProcessController plinth,
      String job,
      CompletableFuture<?> dispatched,
      Predicate<JsonNode> p)
      throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      if (plinth.dispatcherEvents(job).stream().anyMatch(p)) {
        return;
      }
      if (dispatched.isDone()) {
        throw new AssertionError("the dispatcher ended early: " + dispatched.join());
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "not stored in 60 s; job " + plinth.job(job) + ", events " + plinth.events(job));
  }
}
