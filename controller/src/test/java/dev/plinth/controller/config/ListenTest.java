/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ListenTest {

  @Test
  void parsesHostAndPort() {
    Listen l = Listen.parse("0.0.0.0:8080");
    assertThat(l.host()).isEqualTo("0.0.0.0");
    assertThat(l.port()).isEqualTo(8080);
    assertThat(l.isLoopback()).isFalse();
    assertThat(l).hasToString("0.0.0.0:8080");
  }

  @Test
  void parsesBracketedIpv6() {
    Listen l = Listen.parse("[::1]:9000");
    assertThat(l.host()).isEqualTo("::1");
    assertThat(l.isLoopback()).isTrue();
    assertThat(l).hasToString("[::1]:9000");
  }

  @Test
  void rejectsMissingPortWithTheExpectedForm() {
    var e = assertThrows(IllegalArgumentException.class, () -> Listen.parse("localhost"));
    assertThat(e).hasMessageContaining("HOST:PORT");
  }

  @Test
  void rejectsNonNumericAndOutOfRangePorts() {
    assertThrows(IllegalArgumentException.class, () -> Listen.parse("h:http"));
    assertThrows(IllegalArgumentException.class, () -> Listen.parse("h:70000"));
    assertThrows(IllegalArgumentException.class, () -> Listen.parse(":80"));
  }
}
