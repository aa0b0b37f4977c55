/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import dev.plinth.controller.Layout;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.observe.AccessLog;
import dev.plinth.controller.observe.Metrics;
import dev.plinth.controller.problem.Problems;
import dev.plinth.controller.security.ApiTls;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;

/**
 * The running controller: one Helidon listener for the control plane (API, webhooks, /v2 metadata,
 * health and metrics).
 */
public final class ControllerServer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ControllerServer.class.getName());

  private final WebServer server;
  private final Readiness readiness;

  private ControllerServer(WebServer server, Readiness readiness) {
    this.server = server;
    this.readiness = readiness;
  }

  /**
   * Starts the server.
   *
   * @param routes further routes (API, registry), mounted after the built-in endpoints
   */
  public static ControllerServer start(
      PlinthConfig config,
      Layout layout,
      Metrics metrics,
      List<Consumer<HttpRouting.Builder>> routes) {
    config.checkTransport();
    Readiness readiness = new Readiness(layout);
    Tls tls = ApiTls.server(config);
    WebServer server =
        WebServer.builder()
            .host(config.listen().host())
            .port(config.listen().port())
            // Helidon's NIO writer pushes every write through an 8 KiB buffer: 5x the CPU.
            .useNio(false)
            // Helidon's own answers before routing (a malformed request...) as problems too.
            .directHandlers(Problems.directHandlers())
            // HTTP/1.0 clients (health checks, ab, curl --http1.0): Helidon alone answers 505.
            .addConnectionSelector(new Http10Selector())
            .update(b -> tls(b, tls))
            .routing(
                r -> {
                  r.addFilter(new AccessLog(metrics));
                  r.get("/healthz", (req, res) -> text(res, Status.OK_200, "ok\n"));
                  r.get("/readyz", (req, res) -> ready(readiness, res));
                  r.get("/metrics", (req, res) -> metrics(metrics, res));
                  routes.forEach(c -> c.accept(r));
                  // An unrouted path, a 405, an uncaught exception: problem+json, not text/plain.
                  Problems.register(r);
                })
            .build()
            .start();
    LOG.log(
        Level.INFO,
        "listening on {0}://{1}:{2,number,#}",
        config.scheme(),
        config.listen().host(),
        server.port());
    return new ControllerServer(server, readiness);
  }

  private static void tls(WebServerConfig.Builder b, Tls tls) {
    if (tls != null) {
      b.tls(tls);
    }
  }

  public int port() {
    return server.port();
  }

  /** Marks the controller ready (after state, registry and job engine have started). */
  public void markReady() {
    readiness.markStarted();
  }

  @Override
  public void close() {
    server.stop();
  }

  private static void text(ServerResponse res, Status status, String body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.send(body);
  }

  private static void ready(Readiness readiness, ServerResponse res) {
    List<String> problems = readiness.problems();
    if (problems.isEmpty()) {
      text(res, Status.OK_200, "ready\n");
    } else {
      text(res, Status.SERVICE_UNAVAILABLE_503, String.join("\n", problems) + "\n");
    }
  }

  private static void metrics(Metrics metrics, ServerResponse res) throws IOException {
    res.header(HeaderNames.CONTENT_TYPE, Metrics.CONTENT_TYPE);
    try (OutputStream out = res.outputStream()) {
      metrics.write(out);
    }
  }
}
