/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped unit's hardening, scored by systemd itself (DESIGN.md: at most 2.3). */
class SystemdUnitIT {

  private static final Path UNIT = Path.of("src/main/dist/plinth.service");
  private static final Pattern SCORE =
      Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)");

  @TempDir Path tmp;

  @Test
  void unitScoresAtMostTimesyncdsExposure() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    boolean required = "1".equals(System.getenv("PLINTH_REQUIRE_PEERS"));
    if (!required) {
      Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
    }
    // systemd-analyze wants the unit's own name on the file it reads.
    Path unit = Files.copy(UNIT, tmp.resolve("plinth.service"));
    Process p =
        new ProcessBuilder(analyze.toString(), "security", "--offline=true", unit.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    var m = SCORE.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isLessThanOrEqualTo(2.3);
  }

  @Test
  void unitRunsAsADedicatedUserWithItsStateDirectory() throws Exception {
    String unit = Files.readString(UNIT);
    assertThat(unit)
        .contains("DynamicUser=yes", "User=plinth", "StateDirectory=plinth")
        .contains("ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes")
        .contains("CapabilityBoundingSet=\n", "Restart=on-failure");
  }
}
