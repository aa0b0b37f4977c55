/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.contract.ContractException;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.dispatcher.report.StateLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Compares what the dispatcher spooled with what the controller stored: every event the dispatcher
 * wrote is stored exactly once, in sequence order without gaps, and nothing is left unsent.
 */
final class DeliveredEvents {

  private DeliveredEvents() {}

  /**
   * @param stored the controller's events for the job that carry a sequence number, in stored order
   * @param state the dispatcher's state directory
   */
  static void assertEveryEventOnceInOrder(List<JsonNode> stored, Path state, String jobId)
      throws IOException, ContractException {
    StateLayout layout = new StateLayout(state);
    assertThat(list(layout.pending(jobId))).as("events still unsent").isEmpty();
    assertThat(list(layout.rejected(jobId))).as("events the controller refused").isEmpty();
    List<Event> spooled = new ArrayList<>();
    for (Path p : list(layout.acked(jobId))) {
      spooled.add(ContractJson.readEvent(Files.readAllBytes(p)));
    }
    spooled.sort(Comparator.comparingLong(Event::sequence));
    assertThat(spooled).as("the dispatcher's journal").isNotEmpty();

    List<Long> seqs = stored.stream().map(e -> e.path("seq").asLong()).toList();
    assertThat(seqs)
        .as("sequence numbers as stored: 1..N, strictly increasing, no gap")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, stored.size()).boxed().toList());
    for (JsonNode e : stored) {
      assertThat(e.path("data").path("sequence").asLong()).isEqualTo(e.path("seq").asLong());
      assertThat(e.path("data").path("eventId").asText()).isEqualTo(e.path("eventId").asText());
    }
    assertThat(stored.stream().map(e -> e.path("eventId").asText()))
        .as("each event stored once, in the order the dispatcher wrote them")
        .containsExactlyElementsOf(spooled.stream().map(Event::eventId).toList());
  }

  /** The dispatcher events' types (with the step for step events), heartbeats left out. */
  static List<String> milestones(List<JsonNode> stored) {
    return stored.stream()
        .filter(e -> !"heartbeat".equals(e.path("type").asText()))
        .map(
            e ->
                e.path("type").asText()
                    + (e.hasNonNull("step") ? " " + e.path("step").asText() : ""))
        .toList();
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }
}
