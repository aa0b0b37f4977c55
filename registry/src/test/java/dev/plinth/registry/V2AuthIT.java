/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static dev.plinth.registry.V2PushPullIT.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.Authorizer;
import dev.plinth.registry.api.Digest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth, the token flow, scopes, anonymous pull, DENIED. */
class V2AuthIT {

  @TempDir Path root;
  Harness h;
  String basic;

  @BeforeEach
  void start() throws Exception {
    h =
        new Harness(
            root, b -> b.authorizer((s, repo, a) -> !(s.equals("reader") && a != Action.PULL)));
    basic = h.auth;
  }

  @AfterEach
  void stop() {
    h.close();
  }

  String token(String query) throws Exception {
    HttpResponse<byte[]> r = h.get("/v2/token?service=plinth&" + query);
    assertEquals(200, r.statusCode(), Harness.body(r));
    return new ObjectMapper().readTree(r.body()).get("token").asText();
  }

  @Test
  void baseAnswers401WithBearerChallengeWithoutCredentials() throws Exception {
    h.auth = null;
    HttpResponse<byte[]> r = h.get("/v2/");
    assertEquals(401, r.statusCode());
    String ch = r.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertTrue(ch.startsWith("Bearer realm=\"" + h.base + "/v2/token\",service=\"plinth\""), ch);
    assertEquals("UNAUTHORIZED", code(r));
    assertEquals(
        "registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElseThrow());
    h.auth = basic;
    assertEquals(200, h.get("/v2/").statusCode());
    h.auth =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("u:wrong".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, h.get("/v2/").statusCode());
    h.auth = "Bearer garbage";
    assertEquals(401, h.get("/v2/").statusCode());
  }

  @Test
  void pushWithoutCredentialsGetsScopedChallenge() throws Exception {
    h.auth = null;
    HttpResponse<byte[]> r = h.post("/v2/team/app/blobs/uploads/", new byte[0]);
    assertEquals(401, r.statusCode());
    assertTrue(
        r.headers()
            .firstValue("WWW-Authenticate")
            .orElseThrow()
            .contains("scope=\"repository:team/app:pull,push\""));
  }

  @Test
  void tokenFlowGrantsRequestedScopes() throws Exception {
    String t = token("scope=repository:team/app:pull,push");
    h.auth = "Bearer " + t;
    Digest d = h.pushBlob("team/app", new byte[] {1, 2});
    assertEquals(200, h.get("/v2/team/app/blobs/" + d).statusCode());
    HttpResponse<byte[]> other = h.get("/v2/team/other/tags/list");
    assertEquals(401, other.statusCode());
    assertTrue(
        other
            .headers()
            .firstValue("WWW-Authenticate")
            .orElseThrow()
            .contains("error=\"insufficient_scope\""));
    HttpResponse<byte[]> del = h.delete("/v2/team/app/blobs/" + d);
    assertEquals(401, del.statusCode());
  }

  @Test
  void tokenByPasswordGrant() throws Exception {
    h.auth = null;
    HttpResponse<byte[]> r =
        h.send(
            h.req("/v2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&username=u&password="
                            + Harness.TOKEN
                            + "&scope=repository:x:pull&service=plinth")));
    assertEquals(200, r.statusCode());
    HttpResponse<byte[]> bad =
        h.send(
            h.req("/v2/token")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&username=u&password=no")));
    assertEquals(401, bad.statusCode());
  }

  @Test
  void readerIsDeniedPushButMayPull() throws Exception {
    Digest d = h.pushBlob("lib", new byte[] {5});
    h.auth =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(("reader:" + Harness.TOKEN).getBytes(StandardCharsets.UTF_8));
    assertEquals(200, h.get("/v2/lib/blobs/" + d).statusCode());
    HttpResponse<byte[]> r = h.post("/v2/lib/blobs/uploads/", new byte[0]);
    assertEquals(403, r.statusCode());
    assertEquals("DENIED", code(r));
    String t = token("scope=repository:lib:pull,push,delete");
    assertTrue(
        new String(
                java.util.Base64.getUrlDecoder().decode(t.split("\\.")[1]), StandardCharsets.UTF_8)
            .contains("\"actions\":[\"pull\"]"));
  }

  @Test
  void anonymousPullFollowsConfiguredGlob() throws Exception {
    Digest pub = h.pushBlob("public/tools", new byte[] {1});
    Digest priv = h.pushBlob("private/tools", new byte[] {1});
    h.auth = null;
    assertEquals(200, h.get("/v2/public/tools/blobs/" + pub).statusCode());
    assertEquals(401, h.get("/v2/private/tools/blobs/" + priv).statusCode());
    assertEquals(401, h.post("/v2/public/tools/blobs/uploads/", new byte[0]).statusCode());
    String t = token("scope=repository:public/tools:pull,push&scope=repository:private/tools:pull");
    h.auth = "Bearer " + t;
    assertEquals(200, h.get("/v2/public/tools/blobs/" + pub).statusCode());
    assertEquals(401, h.get("/v2/private/tools/blobs/" + priv).statusCode());
    assertEquals(401, h.get("/v2/_catalog").statusCode());
  }

  @Test
  void catalogNeedsAuthentication() throws Exception {
    h.auth = null;
    HttpResponse<byte[]> r = h.get("/v2/_catalog");
    assertEquals(401, r.statusCode());
    assertTrue(
        r.headers().firstValue("WWW-Authenticate").orElseThrow().contains("registry:catalog:*"));
    h.auth = basic;
    String t = token("scope=registry:catalog:*");
    h.auth = "Bearer " + t;
    assertEquals(200, h.get("/v2/_catalog").statusCode());
  }

  @Test
  void catalogAsksTheAuthorizerAndListsOnlyPullableRepositories(@TempDir Path other)
      throws Exception {
    // "team" may list the catalog and pull team/**; "job" may pull team/app only and is refused
    // registry-wide operations (repository null), as the controller's job tokens are.
    Authorizer restricted =
        (s, repo, a) ->
            switch (s) {
              case "team" -> repo == null || repo.value().startsWith("team/");
              case "job" -> repo != null && repo.value().equals("team/app");
              default -> true;
            };
    try (Harness r = new Harness(other, b -> b.authorizer(restricted))) {
      for (String repo : List.of("team/app", "team/lib", "secret/db", "public/tools")) {
        r.pushBlob(repo, new byte[] {7});
      }
      r.auth = basicAs("team");
      assertEquals(
          "{\"repositories\":[\"public/tools\",\"team/app\",\"team/lib\"]}",
          Harness.body(r.get("/v2/_catalog")));
      HttpResponse<byte[]> page = r.get("/v2/_catalog?n=1&last=public/tools");
      assertEquals("{\"repositories\":[\"team/app\"]}", Harness.body(page));
      assertTrue(
          page.headers()
              .firstValue("Link")
              .orElseThrow()
              .startsWith("</v2/_catalog?n=1&last=team%2Fapp>"));

      // A catalog token (the one scope podman search and skopeo ask for) lists the same names.
      HttpResponse<byte[]> teamToken = r.get("/v2/token?service=plinth&scope=registry:catalog:*");
      assertEquals(200, teamToken.statusCode());
      r.auth = "Bearer " + new ObjectMapper().readTree(teamToken.body()).get("token").asText();
      assertEquals(
          "{\"repositories\":[\"public/tools\",\"team/app\",\"team/lib\"]}",
          Harness.body(r.get("/v2/_catalog")));
      assertEquals(
          "{\"repositories\":[\"team/app\"]}",
          Harness.body(r.get("/v2/_catalog?n=1&last=public/tools")));

      r.auth = basicAs("job");
      assertEquals(200, r.get("/v2/team/app/blobs/" + Digest.sha256(new byte[] {7})).statusCode());
      HttpResponse<byte[]> basicJob = r.get("/v2/_catalog");
      assertEquals(403, basicJob.statusCode());
      assertEquals("DENIED", code(basicJob));
      assertTrue(Harness.body(basicJob).indexOf("secret/db") < 0);
      // The token flow refuses it the same way: no catalog scope is granted.
      HttpResponse<byte[]> t = r.get("/v2/token?service=plinth&scope=registry:catalog:*");
      assertEquals(200, t.statusCode());
      r.auth = "Bearer " + new ObjectMapper().readTree(t.body()).get("token").asText();
      assertEquals(401, r.get("/v2/_catalog").statusCode());
    }
  }

  static String basicAs(String user) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((user + ":" + Harness.TOKEN).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void mountFromAnotherRepositoryNeedsNoExtraTokenScope() throws Exception {
    Digest d = h.pushBlob("src/repo", new byte[] {1, 2, 3});
    h.auth = "Bearer " + token("scope=repository:dst/repo:pull,push");
    HttpResponse<byte[]> m =
        h.post("/v2/dst/repo/blobs/uploads/?mount=" + d + "&from=src/repo", new byte[0]);
    assertEquals(201, m.statusCode());
    h.auth =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(("reader:" + Harness.TOKEN).getBytes(StandardCharsets.UTF_8));
    assertEquals(
        403,
        h.post("/v2/dst/repo/blobs/uploads/?mount=" + d + "&from=src/repo", new byte[0])
            .statusCode());
  }
}
