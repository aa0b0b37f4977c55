/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.Layout;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.observe.Metrics;
import dev.plinth.controller.server.ControllerServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's assets and the headers that keep a page holding a token safe. */
class ConsoleRoutesTest {

  @TempDir Path dir;
  private ControllerServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server =
        ControllerServer.start(
            new PlinthConfig(new Listen("127.0.0.1", 0), dir),
            new Layout(dir).create(),
            new Metrics(),
            List.of(ConsoleRoutes.routes()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyAssetCarriesTheSecurityHeaders() throws Exception {
    for (String path :
        List.of("/", "/console/index.html", "/console/console.js", "/console/console.css")) {
      var r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      var h = r.headers();
      assertThat(h.firstValue("Content-Security-Policy")).as(path).hasValue(ConsoleRoutes.CSP);
      assertThat(ConsoleRoutes.CSP)
          .contains("script-src 'self';", "frame-ancestors 'none'")
          .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
      assertThat(h.firstValue("X-Frame-Options")).as(path).hasValue("DENY");
      assertThat(h.firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(h.firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
    }
    assertThat(get("/console/console.js").headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
  }

  @Test
  void thePageHasNoInlineScriptStyleOrHandlerAndNothingFromElsewhere() throws Exception {
    String page = get("/").body();
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(page).find())
        .as("inline <script>")
        .isFalse();
    assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(page).find())
        .as("inline event handler")
        .isFalse();
    assertThat(page).doesNotContain("style=", "<style", "http://", "https://");
    String js = get("/console/console.js").body();
    assertThat(js)
        .as("the script builds DOM from text only and keeps the token out of storage")
        .doesNotContain(
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "eval(",
            "new Function",
            "localStorage",
            "sessionStorage",
            "document.cookie",
            "http://",
            "https://");
  }

  @Test
  void revalidatesByEtagAndLeavesUnknownPathsToTheProblemHandler() throws Exception {
    var first = get("/console/console.js");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    var again = get("/console/console.js", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.headers().firstValue("Content-Security-Policy")).isPresent();
    var missing = get("/console/nothing.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
  }
}
