/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * How long a set of jobs took, from their stored times: the span from the first submission to the
 * last end, and each job's own time from submission to its end. A fleet run is compared with one
 * job alone through these.
 *
 * @param span first {@code createdAt} to last {@code finishedAt}
 * @param median the median job time
 * @param max the longest job time
 */
record JobTimes(Duration span, Duration median, Duration max) {

  /** From jobs as the API lists them ({@code createdAt}, {@code finishedAt}). */
  static JobTimes of(Collection<JsonNode> jobs) {
    Instant first = null;
    Instant last = null;
    List<Duration> each = new ArrayList<>();
    for (JsonNode j : jobs) {
      Instant created = instant(j.path("createdAt"));
      Instant finished = instant(j.path("finishedAt"));
      if (created == null || finished == null) {
        continue;
      }
      first = first == null || created.isBefore(first) ? created : first;
      last = last == null || finished.isAfter(last) ? finished : last;
      each.add(Duration.between(created, finished));
    }
    if (each.isEmpty()) {
      return new JobTimes(Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
    each.sort(null);
    return new JobTimes(Duration.between(first, last), each.get(each.size() / 2), each.getLast());
  }

  private static Instant instant(JsonNode n) {
    return n.isTextual() ? Instant.parse(n.asText()) : null;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "jobs from first submitted to last finished %.2f s; per job median %.2f s, max %.2f s",
        span.toMillis() / 1000.0,
        median.toMillis() / 1000.0,
        max.toMillis() / 1000.0);
  }
}
