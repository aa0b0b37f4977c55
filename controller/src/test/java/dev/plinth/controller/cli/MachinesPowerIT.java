/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.redfish.RedfishOptions;
import dev.plinth.controller.testing.TestController;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Flavour;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth machines power} through the API reports the ResetType the BMC was sent, as {@code
 * plinth bmc power} does: a simulated Lenovo XCC allows no PowerCycle.
 */
class MachinesPowerIT {

  @TempDir Path dir;
  BmcSimulator sim;
  Controller controller;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    sim = BmcSimulator.builder().flavour(Flavour.LENOVO).credentials("root", "Pa55-word").start();
    PlinthConfig c = new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("data"), null, null);
    SimulatedFleet.writeMaintenanceIso(c.maintenanceIsoFile());
    controller =
        Controller.start(
            c,
            new Controller.Parts(
                new RedfishBmcDriver(
                    RedfishOptions.defaults()
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))),
                new RecipesModuleCheck(),
                TestController.FIXTURE_RESOLVER,
                JobSettings.defaults(),
                InstantSource.system(),
                List.of()));
    Path pw = Files.writeString(dir.resolve("pw"), "Pa55-word\n");
    Run add =
        plinth(
            "machines",
            "add",
            "m1",
            "--bmc",
            sim.bmc(0).url().toString(),
            "--username",
            "root",
            "--password-file",
            pw.toString());
    assertThat(add.code()).as(add.err()).isZero();
  }

  @AfterEach
  void stop() {
    controller.close();
    sim.close();
  }

  Run plinth(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(
        List.of(
            "--url",
            "http://127.0.0.1:" + controller.port(),
            "--token",
            controller.admin().token()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PlinthCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(a.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void powerReportsTheResetTypeSentWhenTheBmcDoesNotAllowTheOneAsked() throws Exception {
    Run cycle = plinth("machines", "power", "m1", "cycle", "-o", "json");
    assertThat(cycle.code()).as(cycle.err()).isZero();
    JsonNode j = TestController.JSON.readTree(cycle.out());
    assertThat(j.path("action").asText()).isEqualTo("PowerCycle");
    assertThat(j.path("sent").asText()).isEqualTo("ForceRestart");

    // A graceful restart the BMC allows is sent as asked, not turned into a forced one.
    Run graceful = plinth("machines", "power", "m1", "gracefulrestart", "-o", "json");
    assertThat(graceful.code()).as(graceful.err()).isZero();
    assertThat(TestController.JSON.readTree(graceful.out()).path("sent").asText())
        .isEqualTo("GracefulRestart");

    Run text = plinth("machines", "power", "m1", "cycle");
    assertThat(text.out()).containsPattern("Sent: +ForceRestart").contains("PowerCycle");
  }
}
