/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCommandsTest {

  private final Commands c = Commands.system();

  @Test
  void returnsStatusAndInterleavedOutput() throws Exception {
    Commands.Result r =
        c.run(List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.ok()).isFalse();
    assertThat(r.output()).contains("out\n", "err\n");
  }

  @Test
  void killsOnTimeout() throws Exception {
    long start = System.nanoTime();
    Commands.Result r = c.run(List.of("/bin/sleep", "30"), Duration.ofMillis(200));
    assertThat(r.exitCode()).isEqualTo(Commands.Result.TIMED_OUT);
    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
  }

  @Test
  void keepsOnlyTheTailOfLongOutput() throws Exception {
    Commands.Result r =
        c.run(
            List.of("/bin/sh", "-c", "head -c 200000 /dev/zero | tr '\\0' a; echo END"),
            Duration.ofSeconds(10));
    assertThat(r.ok()).isTrue();
    assertThat(r.output()).hasSize(64 * 1024).endsWith("aEND\n");
  }

  @Test
  void missingProgramIsAnIoException() {
    assertThrows(
        IOException.class, () -> c.run(List.of("/nonexistent/tool"), Duration.ofSeconds(1)));
  }
}
