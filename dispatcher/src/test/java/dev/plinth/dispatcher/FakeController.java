/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.plinth.contract.ContractException;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.contract.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A webhook receiver that applies the Webhook v1 rules as the controller does (bearer, signature
 * and ±5 min window, 202 new / 200 duplicate / 409 gap / 422 invalid), for one job. It can go away
 * (the port refuses connections) and come back on the same port, or store events and drop the
 * connection before answering (a lost acknowledgement).
 */
final class FakeController implements AutoCloseable {

  enum Mode {
    UP,
    /** Stores the event, then closes the connection without an answer. */
    LOSE_ACKS,
    /** Answers 503 without storing. */
    UNAVAILABLE
  }

  private final String jobId;
  private final String token;
  private final byte[] key;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Event> accepted = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();
  private final AtomicInteger posts = new AtomicInteger();
  private final AtomicInteger duplicates = new AtomicInteger();
  private final List<String> refusals = new ArrayList<>();
  private volatile Mode mode = Mode.UP;
  private HttpServer server;
  private int port;

  FakeController(String jobId, String token, byte[] key) throws IOException {
    this.jobId = jobId;
    this.token = token;
    this.key = key;
    listen(0);
  }

  int port() {
    return port;
  }

  String webhookUrl() {
    return "http://127.0.0.1:" + port + "/webhooks/v1/jobs/" + jobId + "/events";
  }

  void mode(Mode m) {
    this.mode = m;
  }

  /** Stops listening: connections are refused until {@link #comeBack()}. */
  void goAway() {
    server.stop(0);
  }

  void comeBack() throws IOException {
    listen(port);
  }

  List<Event> accepted() {
    lock.lock();
    try {
      return List.copyOf(accepted);
    } finally {
      lock.unlock();
    }
  }

  int posts() {
    return posts.get();
  }

  int duplicates() {
    return duplicates.get();
  }

  List<String> refusals() {
    lock.lock();
    try {
      return List.copyOf(refusals);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until an accepted event matches. */
  Event await(Predicate<Event> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        for (Event e : accepted) {
          if (p.test(e)) {
            return e;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching event within " + timeout + "; got " + accepted);
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  private void listen(int p) throws IOException {
    IOException last = null;
    for (int i = 0; i < 50; i++) {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 16);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/webhooks/v1/jobs/", this::handle);
        server.start();
        port = server.getAddress().getPort();
        return;
      } catch (java.net.BindException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  private void handle(HttpExchange x) throws IOException {
    posts.incrementAndGet();
    byte[] body = x.getRequestBody().readAllBytes();
    if (mode == Mode.UNAVAILABLE) {
      answer(x, 503, "try later");
      return;
    }
    if (!x.getRequestMethod().equals("POST")
        || !x.getRequestURI().getPath().equals("/webhooks/v1/jobs/" + jobId + "/events")) {
      answer(x, 404, "no such job");
      return;
    }
    var h = x.getRequestHeaders();
    if (!WebhookSignature.bearerMatches(h.getFirst("Authorization"), token)) {
      refuse(x, 401, "bad token");
      return;
    }
    var verdict =
        WebhookSignature.verify(
            key,
            h.getFirst(WebhookSignature.TIMESTAMP_HEADER),
            h.getFirst(WebhookSignature.SIGNATURE_HEADER),
            body,
            Instant.now());
    if (verdict != WebhookSignature.Verdict.OK) {
      refuse(x, 401, verdict.toString());
      return;
    }
    Event e;
    try {
      e = ContractJson.readEvent(body);
    } catch (ContractException ex) {
      refuse(x, 422, ex.getMessage());
      return;
    }
    int status;
    lock.lock();
    try {
      if (ids.contains(e.eventId())) {
        duplicates.incrementAndGet();
        status = 200;
      } else if (e.sequence() != accepted.size() + 1 || !e.jobId().equals(jobId)) {
        refusals.add("409 sequence " + e.sequence() + " after " + accepted.size());
        status = 409;
      } else {
        accepted.add(e);
        ids.add(e.eventId());
        status = 202;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (mode == Mode.LOSE_ACKS && status == 202) {
      x.close();
      return;
    }
    answer(x, status, "");
  }

  private void refuse(HttpExchange x, int status, String why) throws IOException {
    lock.lock();
    try {
      refusals.add(status + " " + why);
    } finally {
      lock.unlock();
    }
    answer(x, status, why);
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      x.getResponseBody().write(b);
    }
    x.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
