/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    server = ControllerServer.start(c, layout, new Metrics(), List.of());
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
  void prometheusReaderRejectsGarbage() {
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("metric{ 1\n"));
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("ok 1"));
  }
}
