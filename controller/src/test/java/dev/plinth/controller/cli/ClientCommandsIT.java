/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.SimulatedServer;
import dev.plinth.controller.testing.TestController;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a running controller. */
class ClientCommandsIT {

  @TempDir Path dir;
  TestController t;
  FakeBmc bmc;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    SimulatedServer sim = new SimulatedServer(Files.createDirectories(dir.resolve("sim")));
    bmc = new FakeBmc().onIsoBoot(sim::boot);
    t =
        new TestController(
            dir.resolve("data"),
            bmc,
            JobSettings.defaults().withDeadlines(Duration.ofSeconds(30)),
            null);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  Run plinth(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    if (a.size() >= 2 && !a.contains("--help")) {
      a.add("--url");
      a.add(t.url(""));
      a.add("--token");
      a.add(t.admin());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = dev.plinth.controller.cli.PlinthCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(a.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void addListGetPowerInspectRemoveAMachine() throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "hunter2\n");
    Run add =
        plinth(
            "machines",
            "add",
            "m1",
            "--bmc",
            "https://10.0.0.9",
            "--username",
            "root",
            "--password-file",
            pw.toString(),
            "--label",
            "rack=r1");
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out()).contains("m1").doesNotContain("hunter2");
    Run ls = plinth("machines", "ls");
    assertThat(ls.out()).contains("NAME").contains("https://10.0.0.9");
    JsonNode json = TestController.JSON.readTree(plinth("machines", "ls", "-o", "json").out());
    assertThat(json.get(0).get("name").asText()).isEqualTo("m1");
    assertThat(plinth("machines", "get", "m1", "-o", "yaml").out())
        .contains("name: \"m1\"")
        .doesNotContain("hunter2");
    assertThat(plinth("machines", "power", "m1", "ForceOff").code()).isZero();
    assertThat(bmc.calls).contains("m1:power:ForceOff");
    assertThat(bmc.passwords.get("m1")).isEqualTo("hunter2");
    assertThat(plinth("machines", "inspect", "m1").out()).contains("SN-m1");
    Run missing = plinth("machines", "get", "nope");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("machine nope does not exist");
    assertThat(plinth("machines", "rm", "m1").code()).isZero();
    assertThat(plinth("machines", "ls", "-o", "json").out().strip()).isEqualTo("[ ]");
  }

  @Test
  void submitWatchShowsProgressAndExitsZeroOnSuccess() throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "pw");
    plinth(
        "machines",
        "add",
        "m1",
        "--bmc",
        "https://10.0.0.9",
        "--username",
        "root",
        "--password-file",
        pw.toString());
    Path recipe =
        Files.writeString(
            dir.resolve("r.yaml"),
            "apiVersion: plinth.dev/v1\nkind: Recipe\nmetadata: {name: wipe}\nsteps:\n  - name: erase\n    wipe: {method: secure-erase, disks: all}\n");
    Run r = plinth("submit", "-f", recipe.toString(), "--machine", "m1", "--watch");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Pending -> MediaReady").contains("started").contains("Succeeded");
    Run ls = plinth("jobs", "ls");
    assertThat(ls.out()).contains("m1").contains("Succeeded");
    String id =
        TestController.JSON
            .readTree(plinth("jobs", "ls", "-o", "json").out())
            .get(0)
            .get("id")
            .asText();
    assertThat(plinth("jobs", "get", id).out()).contains("Succeeded");
    assertThat(plinth("jobs", "watch", id).code()).isZero();
    Run bad =
        plinth(
            "submit",
            "-f",
            Files.writeString(dir.resolve("bad.yaml"), "kind: Nope\n").toString(),
            "--machine",
            "m1");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("/recipe");
    assertThat(plinth("jobs", "cancel", "nope").err()).contains("does not exist");
  }

  private void addMachine(String name) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "pw");
    Run add =
        plinth(
            "machines",
            "add",
            name,
            "--bmc",
            "https://10.0.0.9",
            "--username",
            "root",
            "--password-file",
            pw.toString());
    assertThat(add.code()).as(add.err()).isZero();
  }

  @Test
  void aDuplicateMachineNameIsNamedWithWhatToDo() throws Exception {
    addMachine("m1");
    Path pw = dir.resolve("pw");
    Run again =
        plinth(
            "machines",
            "add",
            "m1",
            "--bmc",
            "https://10.0.0.8",
            "--username",
            "root",
            "--password-file",
            pw.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err())
        .contains("a machine named m1 already exists")
        .contains("plinth machines rm m1")
        .doesNotContain("internal error");
  }

  @Test
  void powerTakesTheWordsOfBmcPower() throws Exception {
    addMachine("m1");
    Run off = plinth("machines", "power", "m1", "off");
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(plinth("machines", "power", "m1", "on").code()).isZero();
    assertThat(bmc.calls).containsSubsequence("m1:power:ForceOff", "m1:power:On");
    Run bad = plinth("machines", "power", "m1", "sideways");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("use on, off, shutdown, restart or cycle");
  }

  @Test
  void getShowsTheInventoryAsReadableLinesAndJsonWithDashO() throws Exception {
    addMachine("m1");
    plinth("machines", "inspect", "m1");
    String table = plinth("machines", "get", "m1").out();
    assertThat(table)
        .contains("State:        available\n")
        .contains("Inventory:\n")
        .contains("  system:    Sim, serial SN-m1, UUID -\n")
        .contains("  MACs:      52:54:00:00:00:01, 52:54:00:00:00:02\n")
        .doesNotContain("{\"");
    assertThat(plinth("machines", "ls").out()).contains("STATE").contains("available");
    assertThat(plinth("machines", "maintenance", "m1", "on", "--reason", "DIMMs").out())
        .isEqualTo("m1: maintenance\n");
    assertThat(plinth("machines", "get", "m1").out())
        .contains("State:        maintenance\n")
        .contains("State reason: DIMMs\n");
    assertThat(plinth("machines", "maintenance", "m1", "off").out()).isEqualTo("m1: available\n");
    assertThat(plinth("machines", "decommission", "m1").out()).isEqualTo("m1: decommissioning\n");
    Run again = plinth("machines", "maintenance", "m1", "on");
    assertThat(again.code()).isNotZero();
    assertThat(again.err()).contains("machine m1 is being decommissioned");
    // The last transitions, newest first, with who and why; -o json stays the machine alone.
    assertThat(plinth("machines", "get", "m1").out())
        .containsPattern(
            "History:     newest first\n"
                + "  \\S+  available -> decommissioning  by admin \\(admin.token\\)  decommissioned"
                + " by admin \\(admin.token\\)\n"
                + "  \\S+  maintenance -> available  by admin \\(admin.token\\)  .*\n"
                + "  \\S+  available -> maintenance  by admin \\(admin.token\\)  DIMMs\n");
    JsonNode json =
        TestController.JSON.readTree(plinth("machines", "get", "m1", "-o", "json").out());
    assertThat(json.path("inventory").path("serialNumber").asText()).isEqualTo("SN-m1");
  }

  @Test
  void cancellingAFinishedJobSaysSoAndFails() throws Exception {
    addMachine("m1");
    Path recipe =
        Files.writeString(
            dir.resolve("r.yaml"),
            "apiVersion: plinth.dev/v1\nkind: Recipe\nmetadata: {name: wipe}\nsteps:\n  - name: erase\n    wipe: {method: secure-erase, disks: all}\n");
    Run r = plinth("submit", "-f", recipe.toString(), "--machine", "m1", "--watch");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    String id =
        TestController.JSON
            .readTree(plinth("jobs", "ls", "-o", "json").out())
            .get(0)
            .get("id")
            .asText();
    Run cancel = plinth("jobs", "cancel", id);
    assertThat(cancel.code()).isEqualTo(1);
    assertThat(cancel.err()).contains("already finished (Succeeded)");
    assertThat(cancel.out()).doesNotContain("cancel requested");
  }

  @Test
  void recipeErrorsAreListedOnceWithLineAndColumn() throws Exception {
    addMachine("m1");
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "apiVersion: plinth.dev/v1\nkind: Recipe\nmetadata: {name: wipe}\nsteps:\n  - name: erase\n    wipe: {method: shred, disks: all}\n");
    Run r = plinth("submit", "-f", bad.toString(), "--machine", "m1");
    assertThat(r.code()).isEqualTo(2);
    String first = r.err().lines().skip(1).findFirst().orElse("");
    assertThat(first).as(r.err()).containsPattern("\\(line \\d+, column \\d+\\)");
    String detail = first.substring(first.indexOf("): ") + 3);
    assertThat(r.err().split(java.util.regex.Pattern.quote(detail), -1)).as(r.err()).hasSize(2);
  }

  @Test
  void aMissingTokenIsAClearError() {
    var cl = dev.plinth.controller.cli.PlinthCommand.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    int code = cl.execute("jobs", "ls", "--url", t.url(""), "--token", "plinth_wrong");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("plinth login");
  }
}
