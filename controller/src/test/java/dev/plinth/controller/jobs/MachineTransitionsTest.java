/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.store.MachineState;
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

/** The machine lifecycle's transition table, pair by pair, and as docs/controller.md prints it. */
class MachineTransitionsTest {

  /**
   * Every pair the table declares, as "STATE EVENT" → next state (for the events that go back to
   * the state before: the fallback); all other pairs are refused.
   */
  private static final Map<String, MachineState> DECLARED =
      Map.ofEntries(
          Map.entry("ENROLLING ENROLLED", MachineState.AVAILABLE),
          Map.entry("AVAILABLE JOB_STARTED", MachineState.PROVISIONING),
          Map.entry("PROVISIONED JOB_STARTED", MachineState.PROVISIONING),
          Map.entry("FAILED JOB_STARTED", MachineState.PROVISIONING),
          Map.entry("PROVISIONING JOB_SUCCEEDED", MachineState.PROVISIONED),
          Map.entry("PROVISIONING JOB_FAILED", MachineState.FAILED),
          Map.entry("PROVISIONING JOB_CANCELED", MachineState.AVAILABLE),
          Map.entry("PROVISIONING JOB_CANCELED_UNTOUCHED", MachineState.AVAILABLE),
          Map.entry("ENROLLING MAINTENANCE_ON", MachineState.MAINTENANCE),
          Map.entry("AVAILABLE MAINTENANCE_ON", MachineState.MAINTENANCE),
          Map.entry("PROVISIONED MAINTENANCE_ON", MachineState.MAINTENANCE),
          Map.entry("FAILED MAINTENANCE_ON", MachineState.MAINTENANCE),
          Map.entry("MAINTENANCE MAINTENANCE_OFF", MachineState.AVAILABLE),
          Map.entry("ENROLLING DECOMMISSION", MachineState.DECOMMISSIONING),
          Map.entry("AVAILABLE DECOMMISSION", MachineState.DECOMMISSIONING),
          Map.entry("PROVISIONED DECOMMISSION", MachineState.DECOMMISSIONING),
          Map.entry("FAILED DECOMMISSION", MachineState.DECOMMISSIONING),
          Map.entry("MAINTENANCE DECOMMISSION", MachineState.DECOMMISSIONING));

  @Test
  void everyStateAndEventPairIsDeclaredOrRefused() {
    int declared = 0;
    for (MachineState s : MachineState.values()) {
      for (MachineEvent e : MachineEvent.values()) {
        MachineState expected = DECLARED.get(s.name() + " " + e.name());
        assertThat(MachineTransitions.next(s, e, null))
            .as(s + " " + e)
            .isEqualTo(Optional.ofNullable(expected));
        declared += expected == null ? 0 : 1;
      }
    }
    assertThat(declared).isEqualTo(DECLARED.size());
  }

  @Test
  void onlyTheReturningEventsGoBackToTheStateBefore() {
    for (MachineState s : MachineState.values()) {
      for (MachineEvent e : MachineEvent.values()) {
        Optional<MachineState> fallback = MachineTransitions.next(s, e, null);
        Optional<MachineState> withBefore = MachineTransitions.next(s, e, MachineState.PROVISIONED);
        boolean returns =
            e == MachineEvent.MAINTENANCE_OFF || e == MachineEvent.JOB_CANCELED_UNTOUCHED;
        assertThat(MachineTransitions.returnsToBefore(e)).as(e.name()).isEqualTo(returns);
        if (fallback.isPresent() && returns) {
          assertThat(withBefore).as(s + " " + e).contains(MachineState.PROVISIONED);
        } else {
          assertThat(withBefore).as(s + " " + e).isEqualTo(fallback);
        }
      }
    }
  }

  @Test
  void onlyEnrolledIdleMachinesTakeJobsAndEveryStateIsReachable() {
    for (MachineState s : MachineState.values()) {
      assertThat(MachineTransitions.takesJobs(s))
          .as(s.name())
          .isEqualTo(
              s == MachineState.AVAILABLE
                  || s == MachineState.PROVISIONED
                  || s == MachineState.FAILED);
      if (s != MachineState.ENROLLING) {
        boolean reached = false;
        for (MachineState from : MachineState.values()) {
          reached |= MachineTransitions.from(from).containsValue(s);
        }
        assertThat(reached).as(s.name() + " reachable").isTrue();
      }
    }
    // Decommissioning is the way out: nothing leaves it but removing the machine.
    assertThat(MachineTransitions.from(MachineState.DECOMMISSIONING)).isEmpty();
  }

  @Test
  void docsPrintTheTable() throws IOException {
    String doc = Files.readString(Path.of("../docs/controller.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf("<!-- machine-transitions -->");
    int end = doc.indexOf("<!-- /machine-transitions -->");
    assertThat(start).as("docs/controller.md marks the table").isPositive();
    // | Available, Provisioned, Failed | `JOB_STARTED` | Provisioning |
    // | Maintenance | `MAINTENANCE_OFF` | the state before (else Available) |
    Matcher m =
        Pattern.compile(
                "^\\| ([\\w, ]+) \\| `(\\w+)` \\| (?:the state before \\(else )?(\\w+)\\)? \\|$",
                Pattern.MULTILINE)
            .matcher(doc.substring(start, end));
    Map<String, MachineState> documented = new TreeMap<>();
    while (m.find()) {
      for (String from : m.group(1).split(",")) {
        documented.put(
            MachineState.parse(from.strip()).name() + " " + m.group(2),
            MachineState.parse(m.group(3)));
      }
    }
    assertThat(documented).isEqualTo(new TreeMap<>(DECLARED));
  }
}
