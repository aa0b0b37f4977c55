/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tunables of a {@link RedfishClient}. The defaults follow what Ironic and sushy settled on for
 * real BMCs (connect 10 s, read 60 s, transport retries 5 within 20 s, 5xx retries on GET); tests
 * shrink the delays.
 *
 * @param connectTimeout TCP/TLS connect timeout
 * @param readTimeout time to wait for a response
 * @param maxConcurrentRequests requests in flight to this BMC at once (BMCs are small computers)
 * @param transportRetries retries of a request after a connection error
 * @param transportRetryWindow the most time spent waiting between those retries; each retry is
 *     logged (a rebooting BMC refuses connections for a while, an operator wants to know why)
 * @param serverRetries retries after a 5xx on a GET (or a known transient error on any method)
 * @param retryDelay first back-off delay; it doubles up to {@code maxRetryDelay}
 * @param maxRetryDelay the longest back-off, also the cap on a 503 Retry-After
 * @param pollInterval interval when polling power state and tasks
 * @param powerTimeout how long a power state may take to change
 * @param taskTimeout how long a BMC task may run
 * @param auth how to authenticate
 */
public record RedfishOptions(
    Duration connectTimeout,
    Duration readTimeout,
    int maxConcurrentRequests,
    int transportRetries,
    Duration transportRetryWindow,
    int serverRetries,
    Duration retryDelay,
    Duration maxRetryDelay,
    Duration pollInterval,
    Duration powerTimeout,
    Duration taskTimeout,
    AuthMode auth,
    RetryListener retryListener) {

  /** Authentication mode. */
  public enum AuthMode {
    /** A SessionService session; if login fails (not a connection error), HTTP Basic. */
    SESSION_OR_BASIC,
    /** Only a session. */
    SESSION,
    /** Only HTTP Basic on every request. */
    BASIC
  }

  public RedfishOptions {
    Objects.requireNonNull(connectTimeout);
    Objects.requireNonNull(readTimeout);
    Objects.requireNonNull(transportRetryWindow);
    Objects.requireNonNull(retryDelay);
    Objects.requireNonNull(maxRetryDelay);
    Objects.requireNonNull(pollInterval);
    Objects.requireNonNull(powerTimeout);
    Objects.requireNonNull(taskTimeout);
    Objects.requireNonNull(auth);
    Objects.requireNonNull(retryListener);
    if (maxConcurrentRequests < 1 || transportRetries < 0 || serverRetries < 0) {
      throw new IllegalArgumentException("concurrency must be >= 1 and retries >= 0");
    }
  }

  /** Defaults for real hardware. */
  public static RedfishOptions defaults() {
    return new RedfishOptions(
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        4,
        5,
        Duration.ofSeconds(20),
        5,
        Duration.ofSeconds(2),
        Duration.ofSeconds(20),
        Duration.ofSeconds(3),
        Duration.ofMinutes(10),
        Duration.ofMinutes(10),
        AuthMode.SESSION_OR_BASIC,
        RetryListener.NONE);
  }

  /** These options with other timeouts. */
  public RedfishOptions withTimeouts(Duration connect, Duration read) {
    return edit(
        f -> {
          f.connectTimeout = connect;
          f.readTimeout = read;
        });
  }

  /** These options with other retry and polling delays. */
  public RedfishOptions withDelays(Duration retry, Duration maxRetry, Duration poll) {
    return edit(
        f -> {
          f.retryDelay = retry;
          f.maxRetryDelay = maxRetry;
          f.pollInterval = poll;
        });
  }

  /** These options with other deadlines for power changes and tasks. */
  public RedfishOptions withDeadlines(Duration power, Duration task) {
    return edit(
        f -> {
          f.powerTimeout = power;
          f.taskTimeout = task;
        });
  }

  /** These options with other retry counts. */
  public RedfishOptions withRetries(int transport, int server) {
    return edit(
        f -> {
          f.transportRetries = transport;
          f.serverRetries = server;
        });
  }

  /** These options with another bound on the time spent retrying connection errors. */
  public RedfishOptions withTransportRetryWindow(Duration window) {
    return edit(f -> f.transportRetryWindow = window);
  }

  /** These options with another authentication mode. */
  public RedfishOptions withAuth(AuthMode mode) {
    return edit(f -> f.auth = mode);
  }

  /** These options telling {@code l} about each retry of an unanswered request. */
  public RedfishOptions withRetryListener(RetryListener l) {
    return edit(f -> f.retryListener = l);
  }

  /** These options with another per-BMC concurrency bound. */
  public RedfishOptions withMaxConcurrentRequests(int n) {
    return edit(f -> f.maxConcurrentRequests = n);
  }

  /** A copy with {@code change} applied: one place that lists every component. */
  private RedfishOptions edit(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new RedfishOptions(
        f.connectTimeout,
        f.readTimeout,
        f.maxConcurrentRequests,
        f.transportRetries,
        f.transportRetryWindow,
        f.serverRetries,
        f.retryDelay,
        f.maxRetryDelay,
        f.pollInterval,
        f.powerTimeout,
        f.taskTimeout,
        f.auth,
        f.retryListener);
  }

  /** The components, mutable, for {@link #edit}. */
  private static final class Fields {
    Duration connectTimeout;
    Duration readTimeout;
    int maxConcurrentRequests;
    int transportRetries;
    Duration transportRetryWindow;
    int serverRetries;
    Duration retryDelay;
    Duration maxRetryDelay;
    Duration pollInterval;
    Duration powerTimeout;
    Duration taskTimeout;
    AuthMode auth;
    RetryListener retryListener;

    Fields(RedfishOptions o) {
      connectTimeout = o.connectTimeout;
      readTimeout = o.readTimeout;
      maxConcurrentRequests = o.maxConcurrentRequests;
      transportRetries = o.transportRetries;
      transportRetryWindow = o.transportRetryWindow;
      serverRetries = o.serverRetries;
      retryDelay = o.retryDelay;
      maxRetryDelay = o.maxRetryDelay;
      pollInterval = o.pollInterval;
      powerTimeout = o.powerTimeout;
      taskTimeout = o.taskTimeout;
      auth = o.auth;
      retryListener = o.retryListener;
    }
  }
}
