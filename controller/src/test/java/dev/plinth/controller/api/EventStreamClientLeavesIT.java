/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.testing.TestController;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that leaves a job's event stream (Ctrl-C on plinth submit --watch) is not an error. */
class EventStreamClientLeavesIT {

  @TempDir Path dir;
  TestController t;
  final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            logged.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  Duration heartbeat;

  @BeforeEach
  void start() throws Exception {
    heartbeat = JobsApi.heartbeat;
    JobsApi.heartbeat = Duration.ofMillis(50);
    // No engine capacity: the job stays Pending, so its stream stays open.
    t =
        new TestController(
            dir,
            new dev.plinth.controller.testing.FakeBmc(),
            dev.plinth.controller.jobs.JobSettings.defaults().withLimits(0, 1),
            null);
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("").removeHandler(capture);
    JobsApi.heartbeat = heartbeat;
    t.close();
  }

  @Test
  void aClientLeavingTheStreamLogsNoError() throws Exception {
    assertThat(t.call("POST", "/api/v1/machines", ApiIT.M1).statusCode()).isEqualTo(201);
    String job =
        TestController.JSON
            .readTree(
                t.call(
                        "POST",
                        "/api/v1/jobs",
                        "{\"machine\":\"m1\",\"recipe\":" + ApiIT.RECIPE + "}")
                    .body())
            .path("id")
            .asText();
    URI u = URI.create(t.url("/api/v1/jobs/" + job + "/events/stream"));
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + u.getRawPath()
                  + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer "
                  + t.admin()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      String got = new String(buf, 0, in.read(buf), StandardCharsets.UTF_8);
      assertThat(got).startsWith("HTTP/1.1 200");
    }
    // Many heartbeats: the writes after the close fail on the server.
    Thread.sleep(1500);
    assertThat(logged).extracting(LogRecord::getMessage).isEmpty();
  }
}
