/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.TestController;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plinth tokens: the tokens a viewer, an operator or the console signs in with. */
class TokensCommandIT {

  @TempDir Path dir;
  TestController t;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    t =
        new TestController(
            dir.resolve("data"),
            new FakeBmc(),
            JobSettings.defaults().withDeadlines(Duration.ofSeconds(30)),
            null);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  Run plinth(String token, String... args) {
    String[] a = new String[args.length + 4];
    System.arraycopy(args, 0, a, 0, args.length);
    a[args.length] = "--url";
    a[args.length + 1] = t.url("");
    a[args.length + 2] = "--token";
    a[args.length + 3] = token;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PlinthCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(a), out.toString(), err.toString());
  }

  @Test
  void createListUseAndRevokeAToken() throws Exception {
    Run created = plinth(t.admin(), "tokens", "create", "wall-screen", "--role", "viewer");
    assertThat(created.code()).as(created.err()).isZero();
    String secret = created.out().strip();
    assertThat(secret).isNotBlank().doesNotContain(" ");
    assertThat(created.err()).contains("wall-screen", "viewer", "shown only now");

    Run ls = plinth(t.admin(), "tokens", "ls");
    assertThat(ls.out()).contains("wall-screen", "viewer").doesNotContain(secret);
    String id =
        ls.out()
            .lines()
            .filter(l -> l.contains("wall-screen"))
            .findFirst()
            .orElseThrow()
            .split("\\s+")[0];

    // The new token reads, and cannot do what its role does not allow.
    assertThat(status(secret, "GET", "/api/v1/machines")).isEqualTo(200);
    Run denied = plinth(secret, "tokens", "ls");
    assertThat(denied.code()).isNotZero();
    assertThat(denied.err()).doesNotContain("Exception");

    Run rm = plinth(t.admin(), "tokens", "rm", id);
    assertThat(rm.code()).as(rm.err()).isZero();
    assertThat(status(secret, "GET", "/api/v1/machines")).isEqualTo(401);
  }

  @Test
  void aBadRoleOrLifetimeIsOneLineNotATrace() {
    Run role = plinth(t.admin(), "tokens", "create", "x", "--role", "root");
    assertThat(role.code()).isNotZero().isNotEqualTo(70);
    assertThat(role.err()).contains("role").doesNotContain("at dev.plinth");
    Run life = plinth(t.admin(), "tokens", "create", "x", "--role", "viewer", "--expires", "soon");
    assertThat(life.code()).isEqualTo(2);
    assertThat(life.err()).contains("--expires").doesNotContain("at dev.plinth");
  }

  @Test
  void aSignInLinkSignsInOnceWithANewTokenOfItsRole() throws Exception {
    Run link = plinth(t.admin(), "tokens", "link", "--role", "operator", "--name", "night shift");
    assertThat(link.code()).as(link.err()).isZero();
    String url = link.out().strip();
    assertThat(url).startsWith(t.url("/#/sign-in/"));
    String code = url.substring(url.lastIndexOf('/') + 1);
    HttpResponse<String> first = signIn(code);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    var body = TestController.JSON.readTree(first.body());
    assertThat(body.path("role").asText()).isEqualTo("operator");
    assertThat(body.path("name").asText()).isEqualTo("night shift");
    String token = body.path("token").asText();
    assertThat(token).isNotEqualTo(code);
    assertThat(status(token, "GET", "/api/v1/machines")).isEqualTo(200);
    HttpResponse<String> again = signIn(code);
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(again.body()).contains("unknown, used or expired");
    // The code never was a token.
    assertThat(status(code, "GET", "/api/v1/machines")).isEqualTo(401);
    // Only an admin makes links.
    Run denied = plinth(token, "tokens", "link", "--role", "admin");
    assertThat(denied.code()).isNotZero();
  }

  private HttpResponse<String> signIn(String code) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(t.url("/api/v1/sign-in")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private int status(String token, String method, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(t.url(path)))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
