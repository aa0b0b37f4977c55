/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.config.JobLimits;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.store.JobState;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

  @Test
  void unsetKeepsTheBuiltInPacing() {
    assertThat(EngineSettings.of(PlinthConfig.defaults(), new Properties()))
        .isEqualTo(JobSettings.builtIn());
  }

  @Test
  void configuredLimitsAndDeadlinesReachTheEngine() {
    PlinthConfig c =
        PlinthConfig.defaults()
            .withJobs(
                new JobLimits(
                    1000,
                    16,
                    Map.of("booting", Duration.ofMinutes(30), "running", Duration.ofHours(8))));
    JobSettings s = EngineSettings.of(c, new Properties());
    JobSettings b = JobSettings.builtIn();
    assertThat(s.maxActive()).isEqualTo(1000);
    assertThat(s.maxPerBmc()).isEqualTo(16);
    assertThat(s.deadline(JobState.BOOTING)).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.deadline(JobState.RUNNING)).isEqualTo(Duration.ofHours(8));
    assertThat(s.deadline(JobState.PENDING)).isEqualTo(b.deadline(JobState.PENDING));
    assertThat(s.lease()).isEqualTo(b.lease());
  }

  @Test
  void systemPropertiesStillWin() {
    Properties p = new Properties();
    p.setProperty("plinth.jobs.maxPerBmc", "2");
    JobSettings s =
        EngineSettings.of(PlinthConfig.defaults().withJobs(JobLimits.none().withMaxPerBmc(16)), p);
    assertThat(s.maxPerBmc()).isEqualTo(2);
  }
}
