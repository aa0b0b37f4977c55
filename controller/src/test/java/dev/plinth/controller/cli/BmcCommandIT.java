/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Flavour;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code plinth bmc ...} against the simulator. */
class BmcCommandIT {
  static final String PASSWORD = "Sup3r-Secret-pw";
  static BmcSimulator sim;
  @TempDir static Path dir;
  static Path passwordFile;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    sim = BmcSimulator.builder().flavour(Flavour.HPE_ILO6).credentials("ops", PASSWORD).start();
    passwordFile = dir.resolve("pw");
    Files.writeString(passwordFile, PASSWORD + "\n");
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Run run(String... args) {
    CommandLine cl = PlinthCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static Run bmc(String... args) {
    List<String> all = new ArrayList<>(List.of("bmc"));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--url",
            sim.bmc(0).url().toString(),
            "-u",
            "ops",
            "--password-file",
            passwordFile.toString(),
            "--timeout",
            "10s"));
    return run(all.toArray(String[]::new));
  }

  @Test
  void inspectPrintsTheInventoryAsJson() throws Exception {
    Run r = bmc("inspect", "-o", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.path("vendor").asText()).isEqualTo("HPE");
    assertThat(j.path("bmcModel").asText()).isEqualTo("iLO 6");
    assertThat(j.path("serialNumber").asText()).isEqualTo("437XR1138R2");
    assertThat(j.path("macAddresses")).isNotEmpty();
    assertThat(j.path("mediaSlots").toString()).contains("CD");
  }

  @Test
  void inspectPrintsText() {
    Run r = bmc("inspect");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("vendor:").contains("HPE").contains("powerState:");
  }

  @Test
  void powerMediaAndBootOnceDriveTheBmc() throws Exception {
    assertThat(bmc("power", "off", "-o", "json").out()).contains("\"powerState\" : \"OFF\"");
    assertThat(sim.bmc(0).powerState()).isEqualTo("Off");
    Run ins = bmc("media", "insert", "--image", "http://ctl/media/x.iso", "-o", "json");
    assertThat(ins.exit()).as(ins.err()).isZero();
    assertThat(new ObjectMapper().readTree(ins.out()).path("slot").asText()).isEqualTo("2");
    assertThat(sim.bmc(0).insertedMedia()).containsEntry("2", "http://ctl/media/x.iso");
    assertThat(bmc("media", "list").out()).contains("inserted http://ctl/media/x.iso");
    Run boot = bmc("boot-once", "cd");
    assertThat(boot.exit()).as(boot.err()).isZero();
    assertThat(sim.bmc(0).bootOverride()).containsExactly("Cd", "Once", "UEFI");
    assertThat(bmc("power", "on").exit()).isZero();
    assertThat(sim.bmc(0).bootHistory().getLast().device()).isEqualTo("Cd");
    assertThat(bmc("media", "eject").exit()).isZero();
    assertThat(sim.bmc(0).insertedMedia()).isEmpty();
    assertThat(bmc("power", "status").out()).contains("ON");
  }

  @Test
  void aWrongPasswordNamesTheBmcAndStatusButNeverAPassword() throws Exception {
    Path wrong = dir.resolve("wrong");
    Files.writeString(wrong, "Wr0ng-Guess-pw\n");
    Run r =
        run(
            "bmc",
            "inspect",
            "--url",
            sim.bmc(0).url().toString(),
            "-u",
            "ops",
            "--password-file",
            wrong.toString());
    assertThat(r.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err())
        .contains(sim.bmc(0).url().getHost())
        .contains("HTTP 401")
        .contains("the BMC refused the user name or password")
        .doesNotContain("Basic")
        .doesNotContain("Wr0ng-Guess-pw")
        .doesNotContain(PASSWORD)
        .doesNotContain("at dev.plinth");
  }

  @Test
  void powerCycleReportsTheResetTypeSent() throws Exception {
    // iLO 6 does not allow PowerCycle: the client sends ForceRestart and must say so.
    Run r = bmc("power", "cycle", "-o", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.path("action").asText()).isEqualTo("cycle");
    assertThat(j.path("resetType").asText()).isEqualTo("ForceRestart");
    assertThat(r.out()).doesNotContain("POWER_CYCLE");
    assertThat(bmc("power", "cycle").out()).contains("resetType:").contains("ForceRestart");
  }

  @Test
  void aRefusedConnectionPrintsAHumanRetryLineWhileItWaits() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CommandLine cl = PlinthCommand.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = {
      "bmc",
      "inspect",
      "--url",
      "http://127.0.0.1:" + port,
      "-u",
      "ops",
      "--password-file",
      passwordFile.toString()
    };
    // It retries for the whole window (20 s by default): watch stderr for the first line only.
    Thread t = Thread.ofVirtual().start(() -> cl.execute(args));
    long end = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (!err.toString().contains("retrying") && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    t.interrupt();
    assertThat(err.toString())
        .contains(
            "BMC 127.0.0.1:"
                + port
                + ": connection refused, retrying (attempt 2, next in 2s, giving up after 20s)");
  }

  @Test
  void aMissingPasswordFileSaysWhichFileAndWhatToDo() {
    Path missing = dir.resolve("no-such-pw");
    Run r =
        run(
            "bmc",
            "inspect",
            "--url",
            sim.bmc(0).url().toString(),
            "-u",
            "ops",
            "--password-file",
            missing.toString());
    assertThat(r.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err())
        .contains("the password file " + missing + " does not exist")
        .contains("PLINTH_BMC_PASSWORD")
        .doesNotContain("NoSuchFileException")
        .doesNotContain("at dev.plinth");
  }

  @Test
  void badArgumentsAreUserErrors() {
    assertThat(bmc("power", "sideways").err()).contains("unknown power action");
    assertThat(bmc("boot-once", "floppy").err()).contains("unknown boot device");
    assertThat(
            run(
                    "bmc",
                    "inspect",
                    "--url",
                    "ftp://x",
                    "-u",
                    "a",
                    "--password-file",
                    passwordFile.toString())
                .err())
        .contains("bad --url");
  }
}
