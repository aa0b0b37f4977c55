/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged binary starts, answers its health endpoints and creates the admin token. */
class ServeStartupIT {

  @TempDir Path data;

  @Test
  void servesHealthzSoonAfterStartAndCreatesTheAdminTokenOnce() throws Exception {
    String token;
    try (PlinthProcess p = PlinthProcess.serve(data)) {
      Duration t = p.awaitOk("/healthz", Duration.ofSeconds(30));
      // DESIGN: < 1.5 s wall on a quiet machine (bench/controller measures it). Wall time on a
      // shared CI machine says little, so this guards the CPU the start-up costs instead: a
      // gross regression (twice the cost), not a tuning target. Measured 2026-12-06 on the
      // 2-core machine with one QEMU guest beside it, three starts each, CPU to first /healthz:
      // 4.18-4.55 s for the jar of 2aa6a44, 4.18-5.42 s for f0b0b6e; 4 s failed both at times.
      Duration cpu = p.cpuTime();
      assertThat(cpu).as("CPU to first /healthz (wall %s)", t).isLessThan(Duration.ofSeconds(8));
      p.awaitOk("/readyz", Duration.ofSeconds(10));
      Path tokenFile = data.resolve("admin.token");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
          .isEqualTo("rw-------");
      token = Files.readString(tokenFile).strip();
      assertThat(p.log()).contains("created the admin API token in " + tokenFile);
      assertThat(p.log()).doesNotContain(token);
    }
    try (PlinthProcess again = PlinthProcess.serve(data)) {
      again.awaitOk("/healthz", Duration.ofSeconds(30));
      assertThat(Files.readString(data.resolve("admin.token")).strip()).isEqualTo(token);
      assertThat(again.log()).contains("admin API token is in");
    }
  }
}
