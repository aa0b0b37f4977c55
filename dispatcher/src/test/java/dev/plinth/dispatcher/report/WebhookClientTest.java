/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.ControllerUrls;
import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.Task;
import dev.plinth.contract.WebhookSignature;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookClientTest {

  private HttpServer server;
  private final AtomicInteger status = new AtomicInteger(202);
  private final AtomicReference<String> date = new AtomicReference<>();
  private final AtomicReference<String> signedTs = new AtomicReference<>();

  private Task task() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        x -> {
          x.getRequestBody().readAllBytes();
          signedTs.set(x.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER));
          if (date.get() != null) {
            x.getResponseHeaders().set("Date", date.get());
          }
          x.sendResponseHeaders(status.get(), -1);
          x.close();
        });
    server.start();
    Task b = ContractFixtures.exampleTask();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    return new Task(
        b.apiVersion(),
        b.kind(),
        b.jobId(),
        null,
        b.machine(),
        new ControllerUrls(base, base + "/webhooks/v1/jobs/job-0001/events", base),
        b.registryHost(),
        null,
        b.credentials(),
        b.steps());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static Event event() {
    return Event.builder("job-0001", 1, EventType.BOOTED, Instant.now()).build();
  }

  @Test
  void classifiesAnswers() throws Exception {
    WebhookClient c = new WebhookClient(task(), Clock.systemUTC(), Duration.ofSeconds(5));
    int[][] cases = {
      {202, 0}, {200, 0}, {503, 1}, {429, 1}, {408, 1}, {409, 2}, {422, 2}, {401, 2}, {404, 2}
    };
    for (int[] k : cases) {
      status.set(k[0]);
      assertThat(c.send(event()).outcome())
          .as("HTTP " + k[0])
          .isEqualTo(WebhookClient.Outcome.values()[k[1]]);
    }
  }

  @Test
  void aSharedClientCarriesThePosts() throws Exception {
    java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
    java.net.http.HttpClient shared =
        java.net.http.HttpClient.newBuilder()
            .executor(
                r -> {
                  ran.incrementAndGet();
                  Thread.ofVirtual().start(r);
                })
            .build();
    status.set(202);
    WebhookClient c = new WebhookClient(task(), Clock.systemUTC(), Duration.ofSeconds(5), shared);
    assertThat(c.send(event()).outcome()).isEqualTo(WebhookClient.Outcome.ACKED);
    assertThat(ran).as("the shared client's executor ran the exchange").hasPositiveValue();
  }

  @Test
  void unreachableControllerIsRetried() throws Exception {
    Task t = task();
    server.stop(0);
    server = null;
    WebhookClient.Answer a =
        new WebhookClient(t, Clock.systemUTC(), Duration.ofSeconds(2)).send(event());
    assertThat(a.outcome()).isEqualTo(WebhookClient.Outcome.RETRY);
    assertThat(a.status()).isZero();
  }

  @Test
  void followsTheControllersClockWhenOursIsWrong() throws Exception {
    Clock wrong = Clock.offset(Clock.systemUTC(), Duration.ofHours(-3));
    WebhookClient c = new WebhookClient(task(), wrong, Duration.ofSeconds(5));
    date.set(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    status.set(401);
    assertThat(c.send(event()).outcome())
        .as("401 after learning the skew is worth a retry")
        .isEqualTo(WebhookClient.Outcome.RETRY);
    assertThat(c.clockOffset()).isBetween(Duration.ofMinutes(179), Duration.ofMinutes(181));
    status.set(202);
    assertThat(c.send(event()).outcome()).isEqualTo(WebhookClient.Outcome.ACKED);
    assertThat(Math.abs(Long.parseLong(signedTs.get()) - Instant.now().getEpochSecond()))
        .isLessThan(5);
    status.set(401);
    assertThat(c.send(event()).outcome())
        .as("a second 401 with no new skew is final")
        .isEqualTo(WebhookClient.Outcome.REJECTED);
  }

  @Test
  void backoffGrowsToItsCapWithJitter() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    SplittableRandom r = new SplittableRandom(1);
    assertThat(b.delay(1, r)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(b.delay(3, r)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(b.delay(30, r)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    assertThat(Backoff.defaults().max()).isEqualTo(Duration.ofSeconds(60));
  }
}
