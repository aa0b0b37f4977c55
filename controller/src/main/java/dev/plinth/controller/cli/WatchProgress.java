/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code jobs watch} lines with times: how long the job spent in the state it leaves, the deadline
 * of the state it enters (and how far off it is), each attempt's duration, and the job's total.
 */
final class WatchProgress {

  private final ApiClient client;
  private final String id;
  private Instant stateSince;

  WatchProgress(ApiClient client, String id) {
    this.client = client;
    this.id = id;
  }

  /** The line for event {@code e} (as the events API gives it). */
  String line(JsonNode e) {
    String base = JobsCommand.progress(e);
    JsonNode d = e.path("data");
    Instant at = instant(e.path("at"));
    return switch (e.path("type").asText()) {
      case "job.state" -> {
        String spent =
            stateSince == null || at == null
                ? ""
                : "; "
                    + d.path("from").asText()
                    + " took "
                    + human(Duration.between(stateSince, at));
        stateSince = at;
        yield base + spent + deadline(at);
      }
      case "step.succeeded", "step.failed" ->
          d.hasNonNull("durationMs")
              ? base.replace(" in " + d.path("durationMs").asText() + " ms", "")
                  + " ("
                  + human(Duration.ofMillis(d.path("durationMs").asLong()))
                  + ")"
              : base;
      default -> base;
    };
  }

  /** The job's final line: state, reason, and how long it took. */
  static String last(String id, JsonNode j) {
    Instant created = instant(j.path("createdAt"));
    Instant finished = instant(j.path("finishedAt"));
    return id
        + " "
        + j.path("state").asText()
        + (j.hasNonNull("reason") ? ": " + j.path("reason").asText() : "")
        + (created != null && finished != null
            ? " (took " + human(Duration.between(created, finished)) + ")"
            : "");
  }

  private String deadline(Instant at) {
    try {
      JsonNode j = client.get("/api/v1/jobs/" + ApiClient.q(id));
      Instant dl = instant(j.path("deadline"));
      if (dl == null || at == null) {
        return "";
      }
      return "; deadline "
          + dl.toString().substring(11, 19)
          + " (in "
          + human(Duration.between(at, dl))
          + ")";
    } catch (RuntimeException x) {
      return "";
    }
  }

  /** {@code 850 ms}, {@code 12.3 s}, {@code 4m 05s}, {@code 1h 02m}. */
  static String human(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
  }

  private static Instant instant(JsonNode n) {
    try {
      return n.isTextual() ? Instant.parse(n.asText()) : null;
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
