/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventJournalTest {

  @TempDir Path tmp;
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  private static Event booted(long seq) {
    return Event.builder("j1", seq, EventType.BOOTED, T).build();
  }

  private static Event heartbeat(long seq) {
    return Event.builder("j1", seq, EventType.HEARTBEAT, T).step(0, "s", 1).build();
  }

  @Test
  void appendSpoolsAcknowledgeMovesAndReopenRestoresEverything() throws Exception {
    StateLayout layout = new StateLayout(tmp);
    EventJournal j = EventJournal.open(layout, "j1");
    Event e1 = j.append(EventJournalTest::booted);
    Event e2 = j.append(EventJournalTest::booted);
    assertThat(Files.exists(layout.pending("j1").resolve("0000000001.json"))).isTrue();
    j.acknowledged(e1);
    assertThat(Files.exists(layout.acked("j1").resolve("0000000001.json"))).isTrue();
    assertThat(j.firstPending()).contains(e2);

    EventJournal again = EventJournal.open(layout, "j1");
    assertThat(again.history()).containsExactly(e1, e2);
    assertThat(again.firstPending()).contains(e2);
    Event e3 = again.append(EventJournalTest::booted);
    assertThat(e3.sequence()).isEqualTo(3);
    again.rejected(e2);
    assertThat(Files.exists(layout.rejected("j1").resolve("0000000002.json"))).isTrue();
    assertThat(again.pendingCount()).isEqualTo(1);
    assertThat(Files.list(layout.tmp("j1"))).isEmpty();
  }

  @Test
  void heartbeatsAreNotPiledUpWhileOneWaits() throws Exception {
    EventJournal j = EventJournal.open(new StateLayout(tmp), "j1");
    assertThat(j.appendUnlessPending(EventType.HEARTBEAT, EventJournalTest::heartbeat)).isPresent();
    assertThat(j.appendUnlessPending(EventType.HEARTBEAT, EventJournalTest::heartbeat)).isEmpty();
    j.acknowledged(j.firstPending().orElseThrow());
    assertThat(j.appendUnlessPending(EventType.HEARTBEAT, EventJournalTest::heartbeat)).isPresent();
  }

  @Test
  void aGapInTheJournalIsRefused() throws Exception {
    StateLayout layout = new StateLayout(tmp);
    EventJournal j = EventJournal.open(layout, "j1");
    j.append(EventJournalTest::booted);
    j.append(EventJournalTest::booted);
    Files.delete(layout.pending("j1").resolve("0000000001.json"));
    assertThat(assertThrows(IOException.class, () -> EventJournal.open(layout, "j1")).getMessage())
        .contains("gap before sequence 2");
  }

  @Test
  void wrongSequenceFromTheBuilderIsRefused() throws Exception {
    EventJournal j = EventJournal.open(new StateLayout(tmp), "j1");
    assertThrows(IllegalArgumentException.class, () -> j.append(seq -> booted(seq + 1)));
  }

  @Test
  void waitsReturnWhenStateChanges() throws Exception {
    EventJournal j = EventJournal.open(new StateLayout(tmp), "j1");
    assertThat(j.awaitDrained(1)).isTrue();
    assertThat(j.awaitPending(1_000_000)).isFalse();
    j.append(EventJournalTest::booted);
    assertThat(j.awaitPending(1)).isTrue();
    assertThat(j.awaitDrained(1_000_000)).isFalse();
  }
}
