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
 * {@code plinth machines add --ca-file / --fingerprint}: the trust is stored with the machine and
 * the engine's Redfish client uses it, against a simulated BMC with its own self-signed
 * certificate.
 */
class MachinesAddTlsIT {

  @TempDir Path dir;
  BmcSimulator sim;
  Controller controller;
  Path password;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    sim = BmcSimulator.builder().https(true).credentials("root", "Pa55-word").start();
    password = Files.writeString(dir.resolve("pw"), "Pa55-word\n");
    PlinthConfig c = new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("data"), null, null);
    SimulatedFleet.writeMaintenanceIso(c.maintenanceIsoFile());
    RedfishOptions fast =
        RedfishOptions.defaults()
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withTransportRetryWindow(Duration.ofSeconds(1));
    controller =
        Controller.start(
            c,
            new Controller.Parts(
                new RedfishBmcDriver(fast),
                new RecipesModuleCheck(),
                TestController.FIXTURE_RESOLVER,
                JobSettings.defaults(),
                InstantSource.system(),
                List.of()));
  }

  @AfterEach
  void stop() {
    controller.close();
    sim.close();
  }

  Run add(String name, String... trust) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "machines",
                "add",
                name,
                "--bmc",
                sim.bmc(0).url().toString(),
                "--username",
                "root",
                "--password-file",
                password.toString()));
    a.addAll(List.of(trust));
    return plinth(a);
  }

  Run plinth(List<String> args) {
    List<String> a = new ArrayList<>(args);
    a.addAll(
        List.of(
            "--url",
            "http://127.0.0.1:" + controller.port(),
            "--token",
            controller.admin().token(),
            "-o",
            "json"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PlinthCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(a.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aSelfSignedBmcIsRefusedWithoutTrustAndAcceptedWithItsCaFileOrItsFingerprint()
      throws Exception {
    Run none = add("m0");
    assertThat(none.code()).isNotZero();
    assertThat(none.err())
        .contains("machine m0 was not added")
        .contains("--fingerprint")
        .contains("--ca-file");

    Path ca = Files.writeString(dir.resolve("bmc-ca.pem"), sim.certificate().pem());
    Run withCa = add("m1", "--ca-file", ca.toString());
    assertThat(withCa.code()).as(withCa.err()).isZero();
    JsonNode m1 = TestController.JSON.readTree(withCa.out());
    assertThat(m1.path("bmc").path("caPem").asText()).contains("BEGIN CERTIFICATE");
    assertThat(m1.path("inventory").isObject()).isTrue();

    Run withPin = add("m2", "--fingerprint", "SHA256:" + sim.certificate().sha256());
    assertThat(withPin.code()).as(withPin.err()).isZero();
    JsonNode m2 = TestController.JSON.readTree(withPin.out());
    assertThat(m2.path("bmc").path("fingerprint").asText()).isEqualTo(sim.certificate().sha256());

    String wrong = "ab".repeat(32);
    Run wrongPin = add("m3", "--fingerprint", "SHA256:" + wrong);
    assertThat(wrongPin.code()).isNotZero();
    assertThat(wrongPin.err())
        .contains("machine m3 was not added")
        .contains("is not the pinned " + wrong)
        .contains(sim.certificate().sha256());

    // Stored with the machine: a later call from the controller trusts the BMC the same way.
    for (String m : List.of("m1", "m2")) {
      Run inspect = plinth(List.of("machines", "inspect", m));
      assertThat(inspect.code()).as(inspect.err()).isZero();
      JsonNode stored = TestController.JSON.readTree(inspect.out());
      assertThat(stored.path("bmc").path(m.equals("m1") ? "caPem" : "fingerprint").isTextual())
          .isTrue();
      assertThat(stored.path("inventory").isObject()).isTrue();
    }

    Run both = add("m4", "--insecure", "--fingerprint", wrong);
    assertThat(both.code()).isEqualTo(2);
  }
}
