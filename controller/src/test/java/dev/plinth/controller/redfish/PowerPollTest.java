/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The power-state wait polls on a fixed schedule from its start (issue 18). */
class PowerPollTest {

  private static final long S = 1_000_000_000L;

  @Test
  void pollsKeepTheirScheduleWhateverTheAnswersTook() {
    // Polls at 0, 3, 6 s: a 100 ms or a 400 ms answer does not push the next poll back.
    assertThat(DefaultRedfishClient.untilNextPoll(S / 10, 3 * S)).isEqualTo(3 * S - S / 10);
    assertThat(DefaultRedfishClient.untilNextPoll(3 * S + 4 * S / 10, 3 * S))
        .isEqualTo(3 * S - 4 * S / 10);
    assertThat(DefaultRedfishClient.untilNextPoll(0, 3 * S)).isEqualTo(3 * S);
  }

  @Test
  void aBmcSlowerThanTheIntervalIsNotPolledBackToBack() {
    // An answer 2.5 s into a 3 s slot: half an interval, not 0.5 s, until the next poll.
    assertThat(DefaultRedfishClient.untilNextPoll(2 * S + S / 2, 3 * S)).isEqualTo(3 * S / 2);
    assertThat(DefaultRedfishClient.untilNextPoll(7 * S, 3 * S)).isEqualTo(2 * S);
  }
}
