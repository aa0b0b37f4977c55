/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.observe;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/** Logs one JSON line per request and updates the HTTP metrics. */
public final class AccessLog implements Filter {

  private static final System.Logger LOG = System.getLogger("plinth.access");
  private final Metrics metrics;

  public AccessLog(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    try {
      chain.proceed();
    } finally {
      double seconds = (System.nanoTime() - start) / 1e9;
      String method = req.prologue().method().text();
      int status = res.status().code();
      metrics.recordRequest(method, status, seconds);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("method", method);
      // The raw path only: query strings can carry signed-URL secrets.
      f.put("path", req.path().rawPath());
      f.put("status", status);
      f.put("ms", Math.round(seconds * 1e6) / 1e3);
      f.put("remote", req.remotePeer().host());
      f.put("bytes", res.bytesWritten());
      LOG.log(Level.INFO, "request", f);
    }
  }
}
