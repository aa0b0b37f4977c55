/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MavenVersionTest {

  static int cmp(String a, String b) {
    return Integer.signum(MavenVersion.ORDER.compare(a, b));
  }

  @Test
  void ordersQualifiersLikeComparableVersion() {
    List<String> ascending =
        List.of(
            "1.0-alpha-1",
            "1.0-alpha-2",
            "1.0-beta",
            "1.0-milestone-1",
            "1.0-rc1",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp",
            "1.0-whatever",
            "1.0.1",
            "1.1",
            "2.0");
    for (int i = 0; i + 1 < ascending.size(); i++) {
      assertThat(cmp(ascending.get(i), ascending.get(i + 1)))
          .as(ascending.get(i) + " < " + ascending.get(i + 1))
          .isNegative();
    }
  }

  @Test
  void equalVersionsAndNumbers() {
    assertThat(cmp("1.0", "1.0.0")).isZero();
    assertThat(cmp("1", "1.0-ga")).isZero();
    assertThat(cmp("1.0-final", "1.0")).isZero();
    assertThat(cmp("1.0a1", "1.0-alpha-1")).isZero();
    assertThat(cmp("1.0-cr1", "1.0-rc1")).isZero();
    assertThat(cmp("2.22.4", "2.22.5")).isNegative();
    assertThat(cmp("2.22.10", "2.22.9")).isPositive();
    assertThat(cmp("4.2.7.Final", "4.2.7")).isZero();
    assertThat(cmp("4.2.10.Final", "4.2.7.Final")).isPositive();
    assertThat(cmp("2.22", "2.22.0")).isZero();
    assertThat(cmp("1.0.0-RC2", "1.0.0-rc10")).isNegative();
    assertThat(cmp("12345678901234567890", "12345678901234567891")).isNegative();
  }
}
