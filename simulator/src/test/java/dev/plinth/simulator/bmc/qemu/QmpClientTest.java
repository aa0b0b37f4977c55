/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link QmpClient} against a fake QMP server: framing, ids, events, errors, a lost QEMU. */
class QmpClientTest {

  @TempDir Path tmp;

  private Path socket() {
    return tmp.resolve("qmp.sock");
  }

  @Test
  void negotiatesCapabilitiesSendsArgumentsAndReturnsTheAnswer() throws Exception {
    try (FakeQmpServer srv =
            new FakeQmpServer(
                socket(),
                (s, cmd) ->
                    List.of(
                        FakeQmpServer.ok(cmd, "{\"status\": \"prelaunch\", \"running\": false}")));
        QmpClient c = QmpClient.connect(socket(), Duration.ofSeconds(5))) {
      assertThat(c.greeting().path("QMP").path("version").path("qemu").path("major").asInt())
          .isEqualTo(7);
      JsonNode r = c.execute("query-status");
      assertThat(r.path("status").asText()).isEqualTo("prelaunch");
      c.execute("blockdev-change-medium", Map.of("id", "cd0", "force", true));
      assertThat(srv.received).hasSize(3);
      assertThat(srv.received.get(0).path("execute").asText()).isEqualTo("qmp_capabilities");
      JsonNode change = srv.received.get(2);
      assertThat(change.path("arguments").path("id").asText()).isEqualTo("cd0");
      assertThat(change.path("arguments").path("force").asBoolean()).isTrue();
      assertThat(change.path("id").asText()).isNotEqualTo(srv.received.get(1).path("id").asText());
    }
  }

  @Test
  void answersAreMatchedByIdEvenOutOfOrder() throws Exception {
    List<JsonNode> held = new CopyOnWriteArrayList<>();
    try (FakeQmpServer srv =
            new FakeQmpServer(
                socket(),
                (s, cmd) -> {
                  held.add(cmd);
                  if (held.size() < 2) {
                    return List.of();
                  }
                  // Answer the second command first.
                  return List.of(
                      FakeQmpServer.ok(held.get(1), "\"second\""),
                      FakeQmpServer.ok(held.get(0), "\"first\""));
                });
        QmpClient c = QmpClient.connect(socket(), Duration.ofSeconds(5))) {
      CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> c.execute("a"));
      assertThat(waitOne(held)).isTrue();
      CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> c.execute("b"));
      assertThat(a.get(5, TimeUnit.SECONDS).asText()).isEqualTo("first");
      assertThat(b.get(5, TimeUnit.SECONDS).asText()).isEqualTo("second");
      assertThat(srv.received).hasSize(3);
    }
  }

  private static boolean waitOne(List<JsonNode> held) throws InterruptedException {
    long until = System.nanoTime() + 5_000_000_000L;
    while (held.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    return !held.isEmpty();
  }

  @Test
  void eventsReachListenersAndWaitersWithoutDisturbingAnswers() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (FakeQmpServer srv =
            new FakeQmpServer(
                socket(),
                (s, cmd) ->
                    List.of(
                        "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\":"
                            + " \"RESET\", \"data\": {\"guest\": false, \"reason\":"
                            + " \"host-qmp-system-reset\"}}",
                        FakeQmpServer.ok(cmd, "{}")));
        QmpClient c = QmpClient.connect(socket(), Duration.ofSeconds(5))) {
      c.onEvent(e -> seen.add(e.path("event").asText()));
      CompletableFuture<JsonNode> reset = c.nextEvent("RESET");
      CompletableFuture<JsonNode> other = c.nextEvent("SHUTDOWN");
      assertThat(c.execute("system_reset").isObject()).isTrue();
      JsonNode e = reset.get(5, TimeUnit.SECONDS);
      assertThat(e.path("data").path("reason").asText()).isEqualTo("host-qmp-system-reset");
      assertThat(seen).containsExactly("RESET");
      assertThat(other).isNotDone();
      srv.send("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true}}");
      assertThat(other.get(5, TimeUnit.SECONDS).path("data").path("guest").asBoolean()).isTrue();
    }
  }

  @Test
  void anErrorAnswerBecomesAQmpExceptionWithItsClassAndDescription() throws Exception {
    try (FakeQmpServer srv =
            new FakeQmpServer(
                socket(),
                (s, cmd) ->
                    List.of(
                        "{\"id\": \""
                            + cmd.path("id").asText()
                            + "\", \"error\": {\"class\": \"GenericError\", \"desc\": \"CURL:"
                            + " Error opening file: The requested URL returned error: 404\"}}"));
        QmpClient c = QmpClient.connect(socket(), Duration.ofSeconds(5))) {
      QmpException e =
          assertThrows(
              QmpException.class, () -> c.execute("blockdev-change-medium", Map.of("id", "cd0")));
      assertThat(e.errorClass()).isEqualTo("GenericError");
      assertThat(e.command()).isEqualTo("blockdev-change-medium");
      assertThat(e.getMessage())
          .isEqualTo(
              "QEMU blockdev-change-medium: CURL: Error opening file: The requested URL returned"
                  + " error: 404");
      assertThat(srv.received).hasSize(2);
    }
  }

  @Test
  void aLostConnectionFailsTheWaitingCommandAndEveryLaterOne() throws Exception {
    try (FakeQmpServer srv = new FakeQmpServer(socket(), (s, cmd) -> null);
        QmpClient c = QmpClient.connect(socket(), Duration.ofSeconds(5))) {
      QmpException e = assertThrows(QmpException.class, () -> c.execute("query-status"));
      assertThat(e.errorClass()).isNull();
      assertThat(e.getMessage()).contains("query-status").contains("closed");
      assertThat(c.isOpen()).isFalse();
      QmpException later = assertThrows(QmpException.class, () -> c.execute("cont"));
      assertThat(later.getMessage()).contains("cont").contains("closed");
      assertThat(srv.received).hasSize(2);
    }
  }

  @Test
  void aCommandWithoutAnAnswerTimesOut() throws Exception {
    try (FakeQmpServer srv = new FakeQmpServer(socket(), (s, cmd) -> List.of());
        QmpClient c = QmpClient.connect(socket(), Duration.ofMillis(300))) {
      QmpException e = assertThrows(QmpException.class, () -> c.execute("query-block"));
      assertThat(e.getMessage()).isEqualTo("QEMU query-block: no answer within 300 ms");
      assertThat(srv.received).hasSize(2);
    }
  }
}
