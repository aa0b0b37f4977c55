/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JobSettingsTest {

  @Test
  void limitsComeFromTheEnvironmentOrSystemProperties() {
    JobSettings b = JobSettings.builtIn();
    assertThat(b.withLimitsFrom(Map.of(), new Properties())).isEqualTo(b);
    JobSettings e =
        b.withLimitsFrom(
            Map.of("PLINTH_JOBS_MAX_ACTIVE", "1000", "PLINTH_JOBS_MAX_PER_BMC", " 32 "),
            new Properties());
    assertThat(e.maxActive()).isEqualTo(1000);
    assertThat(e.maxPerBmc()).isEqualTo(32);
    Properties p = new Properties();
    p.setProperty("plinth.jobs.maxActive", "5");
    JobSettings s = b.withLimitsFrom(Map.of("PLINTH_JOBS_MAX_ACTIVE", "1000"), p);
    assertThat(s.maxActive()).as("the system property wins").isEqualTo(5);
    assertThat(s.maxPerBmc()).isEqualTo(b.maxPerBmc());
    assertThatThrownBy(
            () -> b.withLimitsFrom(Map.of("PLINTH_JOBS_MAX_PER_BMC", "0"), new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLINTH_JOBS_MAX_PER_BMC");
    assertThatThrownBy(
            () -> b.withLimitsFrom(Map.of("PLINTH_JOBS_MAX_ACTIVE", "many"), new Properties()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
