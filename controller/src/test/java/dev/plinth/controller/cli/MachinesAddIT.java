/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth machines add} checks the BMC (log in, read the inventory) before enrolling, as
 * Ironic's validate does, unless told not to.
 */
class MachinesAddIT {

  @TempDir Path dir;
  TestController t;
  Path right;
  Path wrong;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    t = new TestController(dir.resolve("data"));
    right = Files.writeString(dir.resolve("right"), "right-Pa55\n");
    wrong = Files.writeString(dir.resolve("wrong"), "wrong-Pa55\n");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  Run add(Path pw, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "machines",
                "add",
                "m1",
                "--bmc",
                "https://10.0.0.9",
                "--username",
                "root",
                "--password-file",
                pw.toString(),
                "--url",
                t.url(""),
                "--token",
                t.admin()));
    a.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PlinthCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(a.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  FakeBmc fake() {
    return t.bmc;
  }

  @Test
  void aWrongBmcPasswordIsRefusedAtEnrolmentAndNothingIsAdded() throws Exception {
    fake().acceptedPasswords.put("m1", "right-Pa55");
    Run r = add(wrong);
    assertThat(r.code()).isNotZero();
    assertThat(r.err())
        .contains("machine m1 was not added")
        .contains("the BMC refused the user name or password")
        .contains("--no-validate")
        .doesNotContain("wrong-Pa55")
        .doesNotContain("at dev.plinth");
    assertThat(t.call("GET", "/api/v1/machines/m1", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theRightPasswordIsCheckedAndTheInventoryStored() throws Exception {
    fake().acceptedPasswords.put("m1", "right-Pa55");
    Run r = add(right, "-o", "json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("m1: checking the BMC at http")
        .contains("retried for up to 20 s")
        .contains("m1: BMC checked");
    JsonNode m = TestController.JSON.readTree(r.out());
    assertThat(m.path("inventory").path("serialNumber").asText()).isEqualTo("SN-m1");
    assertThat(fake().inventoryReads).containsExactly("m1");
  }

  @Test
  void noValidateEnrolsWithoutContactingTheBmcAndSaysSo() throws Exception {
    fake().acceptedPasswords.put("m1", "right-Pa55");
    Run r = add(wrong, "--no-validate");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("BMC not checked (--no-validate)").contains("machines inspect m1");
    assertThat(fake().passwords).doesNotContainKey("m1");
    JsonNode m = TestController.json(t.call("GET", "/api/v1/machines/m1", null));
    assertThat(m.path("inventory").isNull() || m.path("inventory").isMissingNode()).isTrue();
    assertThat(t.call("POST", "/api/v1/machines?validate=maybe", "{}").statusCode()).isEqualTo(400);
  }
}
