/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.controller.jobs.JobSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs:} in plinth.yaml, its environment overrides and its errors. */
class JobLimitsConfigTest {

  @TempDir Path dir;

  Path yaml(String text) throws Exception {
    return Files.writeString(dir.resolve("plinth.yaml"), text);
  }

  @Test
  void unsetMeansBuiltIn() {
    assertThat(ConfigLoader.load(null, Map.of()).jobs()).isEqualTo(JobLimits.none());
  }

  @Test
  void limitsAndDeadlinesFromTheFile() throws Exception {
    Path f =
        yaml(
            "listen: 127.0.0.1:8080\njobs:\n  maxActive: 1000\n  maxPerBmc: 16\n  deadlines:\n"
                + "    pending: 2h\n    booting: 1h30m\n    running: PT6H\n    finishing: 90s\n");
    JobLimits j = ConfigLoader.load(f, Map.of()).jobs();
    assertThat(j.maxActive()).isEqualTo(1000);
    assertThat(j.maxPerBmc()).isEqualTo(16);
    assertThat(j.deadlines())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "pending", Duration.ofHours(2),
                "booting", Duration.ofMinutes(90),
                "running", Duration.ofHours(6),
                "finishing", Duration.ofSeconds(90)));
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    Path f = yaml("jobs:\n  maxActive: 10\n  maxPerBmc: 2\n");
    JobLimits j =
        ConfigLoader.load(
                f, Map.of("PLINTH_JOBS_MAX_ACTIVE", " 500 ", "PLINTH_JOBS_MAX_PER_BMC", "4"))
            .jobs();
    assertThat(j.maxActive()).isEqualTo(500);
    assertThat(j.maxPerBmc()).isEqualTo(4);
    assertThat(ConfigLoader.load(null, Map.of("PLINTH_JOBS_MAX_PER_BMC", "3")).jobs())
        .isEqualTo(new JobLimits(null, 3, Map.of()));
  }

  @Test
  void aZeroOrNegativeLimitNamesTheKeyAndItsLine() throws Exception {
    Path f = yaml("listen: 127.0.0.1:8080\njobs:\n  maxPerBmc: 8\n  maxActive: 0\n");
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertThat(e.getMessage())
        .isEqualTo(f + ":4: jobs.maxActive: must be a positive integer, got '0'");
    Path g = yaml("jobs:\n  maxPerBmc: -2\n");
    assertThat(assertThrows(ConfigException.class, () -> ConfigLoader.load(g, Map.of())))
        .hasMessage(g + ":2: jobs.maxPerBmc: must be a positive integer, got '-2'");
    Path h = yaml("jobs:\n  maxPerBmc: lots\n");
    assertThat(assertThrows(ConfigException.class, () -> ConfigLoader.load(h, Map.of())))
        .hasMessageContaining("jobs.maxPerBmc: must be a positive integer, got 'lots'");
  }

  @Test
  void aBadEnvironmentLimitNamesTheVariable() {
    assertThat(
            assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("PLINTH_JOBS_MAX_ACTIVE", "0"))))
        .hasMessage("PLINTH_JOBS_MAX_ACTIVE: must be a positive integer, got '0'");
    assertThat(
            assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("PLINTH_JOBS_MAX_PER_BMC", "1.5"))))
        .hasMessageContaining("PLINTH_JOBS_MAX_PER_BMC");
  }

  @Test
  void aBadDeadlineNamesTheStateAndItsLine() throws Exception {
    Path f = yaml("jobs:\n  deadlines:\n    pending: 1h\n    booting: 0s\n");
    assertThat(assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of())))
        .hasMessage(
            f
                + ":4: jobs.deadlines.booting: must be a positive duration such as 90s, 15m, 4h,"
                + " 1h30m or PT15M, got '0s'");
    for (String bad : new String[] {"soon", "-PT1M", "15", "99999999999999999999d", "m"}) {
      Path g = yaml("jobs:\n  deadlines:\n    running: \"" + bad + "\"\n");
      assertThat(assertThrows(ConfigException.class, () -> ConfigLoader.load(g, Map.of())))
          .as(bad)
          .hasMessageContaining(":3: jobs.deadlines.running: must be a positive duration");
    }
  }

  @Test
  void anUnknownJobsSettingIsRefused() throws Exception {
    Path f = yaml("jobs:\n  maxActiv: 3\n");
    assertThat(assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of())))
        .hasMessageContaining("unknown setting 'maxActiv'")
        .hasMessageContaining("maxActive");
    Path g = yaml("jobs:\n  deadlines:\n    boot: 1h\n");
    assertThat(assertThrows(ConfigException.class, () -> ConfigLoader.load(g, Map.of())))
        .hasMessageContaining("unknown setting 'boot'")
        .hasMessageContaining("booting");
  }

  @Test
  void theExamplesCommentedJobsSectionLoadsAndShowsTheBuiltInValues() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("../ci/src/main/dist/plinth.yaml.example"));
    int from = lines.indexOf("# jobs:");
    assertThat(from).isNotNegative();
    StringBuilder section = new StringBuilder();
    for (int i = from; i < lines.size() && lines.get(i).startsWith("#"); i++) {
      section.append(lines.get(i).substring(2)).append('\n');
    }
    JobLimits j = ConfigLoader.load(yaml(section.toString()), Map.of()).jobs();
    JobSettings b = JobSettings.builtIn();
    assertThat(j.maxActive()).isEqualTo(b.maxActive());
    assertThat(j.maxPerBmc()).isEqualTo(b.maxPerBmc());
    assertThat(j.deadlines())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "pending", b.pending(),
                "mediaReady", b.mediaReady(),
                "booting", b.booting(),
                "running", b.running(),
                "finishing", b.finishing()));
  }
}
