/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A person running plinth demo reads progress and a summary; the logs go to a file it names. */
class DemoCommandIT {

  @TempDir Path tmp;

  @AfterEach
  void restoreLogging() throws Exception {
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void progressOnTheTerminalLogsInAFileCredentialsPrinted() throws Exception {
    // The JVM's stderr, where JUL's console handler (and Helidon's notice) would write.
    PrintStream stderr = System.err;
    ByteArrayOutputStream jvmErr = new ByteArrayOutputStream();
    System.setErr(new PrintStream(jvmErr, true, StandardCharsets.UTF_8));
    dev.plinth.controller.observe.JsonLogging.install();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try {
      var cl = PlinthCommand.commandLine(Map.of("HOME", tmp.toString()));
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      code =
          cl.execute(
              "demo", "--machines", "2", "--data", tmp.resolve("d").toString(), "--timeout", "2m");
    } finally {
      System.setErr(stderr);
    }
    assertThat(code).as(out + "\n" + err).isZero();
    Path log = tmp.resolve("d").toAbsolutePath().resolve("plinth-demo.log");
    assertThat(out.toString())
        .startsWith("plinth demo: logs in " + log)
        .contains("BMC login admin / plinth-demo")
        .contains("admin token in ")
        .contains("2 of 2 machines provisioned")
        .containsPattern(
            "web console http://127\\.0\\.0\\.1:\\d+/#/sign-in/[A-Za-z0-9_-]{32,} \\(a one-time");
    assertThat(out.toString().lines()).noneMatch(l -> l.startsWith("{"));
    String stray = jvmErr.toString(StandardCharsets.UTF_8);
    assertThat(stray).as(stray).doesNotContain("\"level\"");
    assertThat(Files.readString(log)).contains("\"level\"").contains("listening on");
    assertThat(Logger.getLogger("").getHandlers())
        .noneMatch(h -> h instanceof java.util.logging.ConsoleHandler);
    // The simulated tools' output was streamed by the real dispatcher and stored with each job.
    Path db =
        new dev.plinth.controller.Layout(tmp.resolve("d").toAbsolutePath().resolve("var"))
            .database();
    try (var d = dev.plinth.controller.store.Database.open("jdbc:sqlite:" + db, null)) {
      var jobs = new dev.plinth.controller.store.JobStore(d).list(null, null, null, 10).items();
      assertThat(jobs).hasSize(2);
      for (var j : jobs) {
        String text =
            new dev.plinth.controller.store.StepLogStore(d)
                .list(j.id(), null, 0, 500).stream()
                    .map(dev.plinth.controller.store.StepLogStore.Chunk::text)
                    .reduce("", String::concat);
        assertThat(text).as(j.id()).contains("[simulated ").contains("25% (");
      }
    }
  }
}
