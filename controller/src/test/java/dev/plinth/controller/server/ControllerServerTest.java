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

  /** Sends {@code request} on a new socket and reads until the server closes it. */
  private String raw(String request) throws Exception {
    try (var s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void http10RequestIsAnsweredAndTheConnectionClosed() throws Exception {
    // HAProxy's httpchk, ab and curl --http1.0: Helidon alone answers 505.
    String r = raw("GET /healthz HTTP/1.0\r\n\r\n");
    assertThat(r).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok\n");
    assertThat(r.toLowerCase(java.util.Locale.ROOT))
        .contains("\r\nconnection: close\r\n", "\r\ncontent-length: 3\r\n");
    server.markReady();
    assertThat(raw("GET /readyz HTTP/1.0\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
  }

  @Test
  void http10GetsNoChunkedBodyButOneDelimitedByClosing() throws Exception {
    // /metrics streams without a length: chunked to HTTP/1.1, close-delimited to HTTP/1.0.
    String r = raw("GET /metrics HTTP/1.0\r\n\r\n");
    int split = r.indexOf("\r\n\r\n");
    String headers = r.substring(0, split).toLowerCase(java.util.Locale.ROOT);
    assertThat(headers).startsWith("http/1.1 200").contains("connection: close");
    assertThat(headers).doesNotContain("transfer-encoding", "content-length");
    List<String> names = PrometheusText.parse(r.substring(split + 4));
    assertThat(names).contains("jvm_memory_used_bytes");
  }

  @Test
  void http10KeepAliveIsHonouredWhenAsked() throws Exception {
    try (var s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      var out = s.getOutputStream();
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
      for (int i = 0; i < 2; i++) {
        out.write(
            "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        List<String> headers = new java.util.ArrayList<>();
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
          headers.add(line.toLowerCase(java.util.Locale.ROOT));
        }
        assertThat(headers).contains("connection: keep-alive", "content-length: 3");
        assertThat(in.readLine()).isEqualTo("ok");
      }
    }
  }

  @Test
  void http10ErrorsAreProblemsToo() throws Exception {
    String r = raw("GET /api/v1/nope HTTP/1.0\r\n\r\n");
    assertThat(r).startsWith("HTTP/1.1 404").contains("application/problem+json");
    assertThat(r).contains("\"type\":\"https://plinth.dev/problems/not-found\"");
  }

  @Test
  void curlHttp10IsAnswered() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--http1.0",
                "-D",
                "-",
                "http://127.0.0.1:" + server.port() + "/metrics")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isEqualTo(0);
    assertThat(out).startsWith("HTTP/1.1 200").contains("jvm_memory_used_bytes");
  }

  @Test
  void prometheusReaderRejectsGarbage() {
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("metric{ 1\n"));
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("ok 1"));
  }
}
