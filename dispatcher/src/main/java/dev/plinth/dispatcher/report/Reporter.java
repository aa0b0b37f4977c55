/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import dev.plinth.contract.Event;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Sends the journal's pending events to the controller, one at a time in sequence order: event N+1
 * is not sent before N is acknowledged (or refused for good). Failures are retried forever with
 * {@link Backoff}; the journal keeps every event until it is acknowledged, so stopping the
 * dispatcher at any moment loses nothing.
 */
public final class Reporter implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Reporter.class.getName());

  private final EventJournal journal;
  private final WebhookClient client;
  private final Backoff backoff;
  private final RandomGenerator random;
  private final Thread thread;
  private volatile boolean closed;
  private volatile String lastProblem = "";

  private Reporter(
      EventJournal journal, WebhookClient client, Backoff backoff, RandomGenerator random) {
    this.journal = journal;
    this.client = client;
    this.backoff = backoff;
    this.random = random;
    this.thread = Thread.ofVirtual().name("plinth-reporter").unstarted(this::loop);
  }

  /** Starts sending on a virtual thread. */
  public static Reporter start(
      EventJournal journal, WebhookClient client, Backoff backoff, RandomGenerator random) {
    Reporter r = new Reporter(journal, client, backoff, random);
    r.thread.start();
    return r;
  }

  /** Waits until every spooled event is acknowledged; false if time ran out. */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    return journal.awaitDrained(timeout.toNanos());
  }

  /** The last delivery problem, for logs when draining takes long. */
  public String lastProblem() {
    return lastProblem;
  }

  private void loop() {
    int failures = 0;
    while (!closed) {
      try {
        Optional<Event> next = journal.firstPending();
        if (next.isEmpty()) {
          journal.awaitPending(TimeUnit.SECONDS.toNanos(1));
          continue;
        }
        Event e = next.get();
        WebhookClient.Answer a = client.send(e);
        switch (a.outcome()) {
          case ACKED -> {
            journal.acknowledged(e);
            failures = 0;
          }
          case REJECTED -> {
            LOG.log(
                Level.ERROR,
                "controller refused event {0} ({1}): {2}; moving on",
                e.sequence(),
                e.type(),
                a.detail());
            journal.rejected(e);
            failures = 0;
          }
          case RETRY -> {
            failures++;
            lastProblem = a.detail();
            Duration d = backoff.delay(failures, random);
            LOG.log(
                Level.WARNING,
                "event {0} not delivered ({1}); retry {2} in {3} ms",
                e.sequence(),
                a.detail(),
                failures,
                d.toMillis());
            Thread.sleep(d);
          }
        }
      } catch (InterruptedException ie) {
        return;
      } catch (IOException | RuntimeException ex) {
        LOG.log(Level.ERROR, "reporter: " + ex, ex);
        lastProblem = ex.toString();
        try {
          Thread.sleep(backoff.max());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
