/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.testing.TestController;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth login} against a running controller, with the environment of the CLI under the
 * test's control: where the login is stored, with which mode, and who wins among flags, environment
 * and the stored login.
 */
class LoginCommandIT {

  @TempDir Path dir;
  TestController t;
  Map<String, String> env;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    t = new TestController(dir.resolve("data"));
    env = new HashMap<>();
    env.put("HOME", dir.resolve("home").toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
  }

  @AfterEach
  void stop() {
    t.close();
  }

  Run plinth(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PlinthCommand.commandLine(Map.copyOf(env));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  Path loginFile() {
    return dir.resolve("xdg/plinth/login.json");
  }

  Run login() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("admin.token"), t.admin() + "\n");
    return plinth("login", "--url", t.url(""), "--token-file", tokenFile.toString());
  }

  String viewerToken() throws Exception {
    var r = t.call("POST", "/api/v1/tokens", t.admin(), "{\"name\":\"eve\",\"role\":\"viewer\"}");
    assertThat(r.statusCode()).isEqualTo(201);
    return TestController.json(r).get("secret").asText();
  }

  @Test
  void loginStoresUrlAndTokenReadableByTheOwnerOnly() throws Exception {
    Run r = login();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("logged in to " + t.url("")).contains("role admin");
    assertThat(Files.getPosixFilePermissions(loginFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(loginFile().getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    JsonNode saved = TestController.JSON.readTree(loginFile().toFile());
    assertThat(saved.get("url").asText()).isEqualTo(t.url(""));
    assertThat(saved.get("token").asText()).isEqualTo(t.admin());
    try (var files = Files.list(loginFile().getParent())) {
      assertThat(files).containsExactly(loginFile());
    }
  }

  @Test
  void withoutXdgConfigHomeTheLoginGoesUnderHome() throws Exception {
    env.remove("XDG_CONFIG_HOME");
    assertThat(login().code()).isZero();
    Path f = dir.resolve("home/.config/plinth/login.json");
    assertThat(Files.getPosixFilePermissions(f))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(loginFile()).doesNotExist();
  }

  @Test
  void laterCommandsUseTheStoredLoginWithoutEnvironment() throws Exception {
    assertThat(login().code()).isZero();
    // No --url, PLINTH_URL, --token or PLINTH_TOKEN: the default URL (port 8080) is not this
    // controller, so a success means the stored URL and token were used.
    Run ls = plinth("machines", "ls", "-o", "json");
    assertThat(ls.code()).as(ls.err()).isZero();
    assertThat(ls.out().strip()).isEqualTo("[ ]");
  }

  @Test
  void environmentAndFlagsOverrideTheStoredLogin() throws Exception {
    assertThat(login().code()).isZero();
    env.put("PLINTH_TOKEN", viewerToken());
    Run asViewer = plinth("machines", "rm", "m1");
    assertThat(asViewer.code()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(asViewer.err()).contains("the token has viewer");
    Run flagWins = plinth("machines", "rm", "m1", "--token", t.admin());
    assertThat(flagWins.err()).contains("machine m1 does not exist");

    env.remove("PLINTH_TOKEN");
    int closed = TestController.freePort();
    env.put("PLINTH_URL", "http://127.0.0.1:" + closed);
    Run elsewhere = plinth("machines", "ls");
    assertThat(elsewhere.code()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(elsewhere.err())
        .contains("cannot reach the controller at http://127.0.0.1:" + closed);
  }

  @Test
  void aWrongTokenIsAClearErrorAndWritesNothing() {
    Run r = plinth("login", "--url", t.url(""), "--token", "plinth_wrong");
    assertThat(r.code()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err())
        .contains("the controller at " + t.url("") + " refused the token")
        .contains("nothing was saved")
        .doesNotContain("run plinth login")
        .doesNotContain("at dev.plinth");
    assertThat(dir.resolve("xdg")).doesNotExist();
  }

  @Test
  void aFailedLoginKeepsThePreviousOne() throws Exception {
    assertThat(login().code()).isZero();
    byte[] before = Files.readAllBytes(loginFile());
    Run r = plinth("login", "--url", t.url(""), "--token", "plinth_wrong");
    assertThat(r.code()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(Files.readAllBytes(loginFile())).isEqualTo(before);
    try (var files = Files.list(loginFile().getParent())) {
      assertThat(files).containsExactly(loginFile());
    }
  }

  @Test
  void anEmptyOrMissingTokenFileIsAClearError() throws Exception {
    env.put("PLINTH_TOKEN", t.admin());
    Path empty = Files.writeString(dir.resolve("empty.token"), "\n");
    Run r = plinth("login", "--url", t.url(""), "--token-file", empty.toString());
    assertThat(r.code()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err()).contains("token file " + empty + " is empty");
    Run missing =
        plinth("login", "--url", t.url(""), "--token-file", dir.resolve("nope").toString());
    assertThat(missing.err()).contains("does not exist");
    assertThat(dir.resolve("xdg")).doesNotExist();
  }

  @Test
  void loginWithoutAnyTokenSaysHowToGiveOne() {
    Run r = plinth("login", "--url", t.url(""));
    assertThat(r.code()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err()).contains("--token-file");
  }
}
