/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.Layout;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.observe.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerServerTest {

  @TempDir Path dir;
  private ControllerServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Layout layout = new Layout(dir).create();
    PlinthConfig c = new PlinthConfig(new Listen("127.0.0.1", 0), dir);
    server =
        ControllerServer.start(
            c,
            layout,
            new Metrics(),
            List.of(
                r ->
                    r.get(
                        "/api/v1/boom",
                        (req, res) -> {
                          throw new IllegalStateException("secret-internal-detail");
                        })));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthzAnswersAtOnce() throws Exception {
    var r = get("/healthz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok\n");
  }

  @Test
  void readyzIs503UntilStartupCompletes() throws Exception {
    var before = get("/readyz");
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).contains("starting");
    server.markReady();
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsParseAsPrometheusTextAndCountRequests() throws Exception {
    get("/healthz");
    var r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    List<String> names = PrometheusText.parse(r.body());
    assertThat(names).contains("plinth_http_requests_total", "jvm_memory_used_bytes");
    assertThat(r.body()).contains("plinth_http_requests_total{method=\"GET\",status=\"200\"}");
  }

  @Test
  void unknownPathIs404() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void unroutedApiPathIsA404Problem() throws Exception {
    var r = get("/api/v1/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode p = new ObjectMapper().readTree(r.body());
    assertThat(p.get("type").asText()).isEqualTo("https://plinth.dev/problems/not-found");
    assertThat(p.get("title").asText()).isEqualTo("Not found");
    assertThat(p.get("status").asInt()).isEqualTo(404);
    assertThat(p.get("instance").asText()).isEqualTo("/api/v1/nope");
  }

  @Test
  void uncaughtExceptionIsA500ProblemWithoutInternals() throws Exception {
    var r = get("/api/v1/boom");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode p = new ObjectMapper().readTree(r.body());
    assertThat(p.get("type").asText()).isEqualTo("https://plinth.dev/problems/internal");
    assertThat(p.get("title").asText()).isEqualTo("Internal error");
    assertThat(p.get("detail").asText()).startsWith("internal error; the log has id ");
    assertThat(r.body()).doesNotContain("secret-internal-detail", "IllegalStateException", "at ");
  }

  @Test
  void malformedRequestIsAProblemFromTheListener() throws Exception {
    // Answered by Helidon before routing (a bad header line): the listener's direct handler.
    try (var s = new java.net.Socket("127.0.0.1", server.port())) {
      s.getOutputStream()
          .write(
              "GET /api/v1/x HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json");
      assertThat(answer).contains("\"type\":\"https://plinth.dev/problems/bad-request\"");
    }
  }

  @Test
  void prometheusReaderRejectsGarbage() {
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("metric{ 1\n"));
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("ok 1"));
  }
}
