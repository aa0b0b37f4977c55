/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.store.JobState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The lifecycle's transition table, pair by pair, and as docs/controller.md prints it. */
class TransitionsTest {

  /** Every pair the table declares, as "State EVENT" → next state; all other pairs are refused. */
  private static final Map<String, JobState> DECLARED =
      Map.ofEntries(
          Map.entry("PENDING TASK_ISO_BUILT", JobState.MEDIA_READY),
          Map.entry("MEDIA_READY BOOT_STARTED", JobState.BOOTING),
          Map.entry("BOOTING BOOTED", JobState.RUNNING),
          Map.entry("BOOTING FINISHED", JobState.FINISHING),
          Map.entry("RUNNING FINISHED", JobState.FINISHING),
          Map.entry("RUNNING STARTED_OVER", JobState.FINISHING),
          Map.entry("FINISHING RETURNED_TO_DISK", JobState.SUCCEEDED),
          Map.entry("PENDING FAIL", JobState.FAILED),
          Map.entry("MEDIA_READY FAIL", JobState.FAILED),
          Map.entry("BOOTING FAIL", JobState.FAILED),
          Map.entry("RUNNING FAIL", JobState.FAILED),
          Map.entry("FINISHING FAIL", JobState.FAILED),
          Map.entry("PENDING CANCEL", JobState.CANCELED),
          Map.entry("MEDIA_READY CANCEL", JobState.CANCELED),
          Map.entry("BOOTING CANCEL", JobState.CANCELED),
          Map.entry("RUNNING CANCEL", JobState.CANCELED),
          Map.entry("FINISHING CANCEL", JobState.CANCELED),
          Map.entry("PENDING DEADLINE_PASSED", JobState.TIMED_OUT),
          Map.entry("MEDIA_READY DEADLINE_PASSED", JobState.TIMED_OUT),
          Map.entry("BOOTING DEADLINE_PASSED", JobState.TIMED_OUT),
          Map.entry("RUNNING DEADLINE_PASSED", JobState.TIMED_OUT),
          Map.entry("FINISHING DEADLINE_PASSED", JobState.TIMED_OUT));

  @Test
  void everyStateAndEventPairIsDeclaredOrRefused() {
    int declared = 0;
    for (JobState s : JobState.values()) {
      for (LifecycleEvent e : LifecycleEvent.values()) {
        JobState expected = DECLARED.get(s.name() + " " + e.name());
        assertThat(Transitions.next(s, e)).as(s + " " + e).isEqualTo(Optional.ofNullable(expected));
        declared += expected == null ? 0 : 1;
      }
    }
    assertThat(declared).isEqualTo(DECLARED.size());
  }

  @Test
  void terminalStatesRefuseEverything() {
    for (JobState s : JobState.values()) {
      if (s.terminal()) {
        assertThat(Transitions.from(s)).as(s.name()).isEmpty();
        for (LifecycleEvent e : LifecycleEvent.values()) {
          assertThat(Transitions.next(s, e)).as(s + " " + e).isEmpty();
        }
      }
    }
  }

  @Test
  void everyActiveStateCanEndAndEveryStateIsReachable() {
    for (JobState s : JobState.values()) {
      if (!s.terminal()) {
        assertThat(Transitions.from(s).values())
            .as(s.name())
            .contains(JobState.FAILED, JobState.CANCELED, JobState.TIMED_OUT);
      }
      if (s != JobState.PENDING) {
        boolean reached = false;
        for (JobState from : JobState.values()) {
          reached |= Transitions.from(from).containsValue(s);
        }
        assertThat(reached).as(s.name() + " reachable").isTrue();
      }
    }
  }

  @Test
  void docsPrintTheTable() throws IOException {
    String doc = Files.readString(Path.of("../docs/controller.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf("<!-- transitions -->");
    int end = doc.indexOf("<!-- /transitions -->");
    assertThat(start).as("docs/controller.md marks the table").isPositive();
    // | Booting, Running | `FINISHED` | Finishing |
    Matcher m =
        Pattern.compile("^\\| ([\\w, ]+) \\| `(\\w+)` \\| (\\w+) \\|$", Pattern.MULTILINE)
            .matcher(doc.substring(start, end));
    Map<String, JobState> documented = new TreeMap<>();
    while (m.find()) {
      for (String from : m.group(1).split(",")) {
        documented.put(
            JobState.parse(from.strip()).name() + " " + m.group(2), JobState.parse(m.group(3)));
      }
    }
    assertThat(documented).isEqualTo(new TreeMap<>(DECLARED));
  }
}
