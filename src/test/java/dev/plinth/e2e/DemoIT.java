/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth demo --machines 20} from the packaged binary: controller, embedded registry, 20
 * simulated BMCs driven through the Redfish client, and the real dispatcher behind each; every job
 * must succeed.
 */
class DemoIT {

  @TempDir Path dir;

  @Test
  void twentySimulatedMachinesAreProvisionedEndToEnd() throws Exception {
    Path out = dir.resolve("demo.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC",
                    "-jar",
                    PlinthProcess.jar().toString(),
                    "demo",
                    "--machines",
                    "20",
                    "--data",
                    dir.resolve("demo").toString()))
            .redirectErrorStream(false)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("demo.err").toFile())
            .start();
    boolean ended = p.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    String log = Files.readString(out);
    assertThat(ended).as("demo ended within 5 minutes:%n%s", log).isTrue();
    assertThat(p.exitValue()).as(log + Files.readString(dir.resolve("demo.err"))).isZero();
    assertThat(log).contains("20 of 20 machines provisioned");
    for (int i = 0; i < 20; i++) {
      assertThat(log).contains("sim-" + i);
    }
  }
}
