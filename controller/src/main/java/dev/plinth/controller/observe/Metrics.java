/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/** The controller's metrics registry and the HTTP metrics every request updates. */
public final class Metrics {

  /** The content type of the Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter httpRequests;
  private final Histogram httpDuration;

  // JVM metrics are registered at the first scrape: registering them reads JMX beans, about a
  // tenth of a second of CPU that start-up need not pay.
  private final ReentrantLock jvmLock = new ReentrantLock();
  private volatile boolean jvmRegistered;

  public Metrics() {
    httpRequests =
        Counter.builder()
            .name("plinth_http_requests_total")
            .help("HTTP requests answered, by method, route class and status")
            .labelNames("method", "status")
            .register(registry);
    httpDuration =
        Histogram.builder()
            .name("plinth_http_request_duration_seconds")
            .help("Time to answer an HTTP request")
            .labelNames("method")
            .register(registry);
  }

  /** The registry that other parts of the controller register their metrics in. */
  public PrometheusRegistry registry() {
    return registry;
  }

  public void recordRequest(String method, int status, double seconds) {
    httpRequests.labelValues(method, Integer.toString(status)).inc();
    httpDuration.labelValues(method).observe(seconds);
  }

  private void registerJvmMetrics() {
    if (jvmRegistered) {
      return;
    }
    jvmLock.lock();
    try {
      if (!jvmRegistered) {
        JvmMetrics.builder().register(registry);
        jvmRegistered = true;
      }
    } finally {
      jvmLock.unlock();
    }
  }

  /** Writes every metric in the Prometheus text format. */
  public void write(OutputStream out) throws IOException {
    registerJvmMetrics();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }
}
