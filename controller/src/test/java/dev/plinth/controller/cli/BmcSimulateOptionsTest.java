/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.simulator.bmc.Faults;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code plinth bmc simulate} takes the project's one duration syntax for its fault timings. */
class BmcSimulateOptionsTest {

  static Faults faults(String... args) {
    CommandLine cl = PlinthCommand.commandLine();
    CommandLine.ParseResult r = cl.parseArgs(args);
    var simulate = r.subcommand().subcommand().commandSpec().userObject();
    return ((BmcCommand.Simulate) simulate).faults();
  }

  @Test
  void latencyAndSessionLifetimeAreDurations() {
    Faults f = faults("bmc", "simulate", "--latency", "250ms", "--session-ttl", "30m");
    assertThat(f.latency()).isEqualTo(Duration.ofMillis(250));
    assertThat(f.sessionTtl()).isEqualTo(Duration.ofMinutes(30));
    Faults none = faults("bmc", "simulate");
    assertThat(none.latency()).isZero();
    assertThat(none.sessionTtl()).isZero();
  }

  @Test
  void theOldNumericOptionsStillWork() {
    Faults f = faults("bmc", "simulate", "--latency-ms", "40", "--session-ttl-s", "90");
    assertThat(f.latency()).isEqualTo(Duration.ofMillis(40));
    assertThat(f.sessionTtl()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aBareNumberIsNotADuration() {
    assertThatThrownBy(() -> faults("bmc", "simulate", "--latency", "250"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--latency");
  }
}
