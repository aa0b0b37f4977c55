/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.UUID;

/**
 * A Webhook v1 event, the body of {@code POST /webhooks/v1/jobs/{jobId}/events}. Fields that do not
 * apply to a type are absent from the JSON.
 *
 * @param apiVersion always {@value Task#API_VERSION}
 * @param kind always {@value #KIND}
 * @param eventId a UUID, unique per event; a retry resends the same id
 * @param jobId the job
 * @param sequence 1, 2, 3... per job, without gaps, in the order the events happened
 * @param type what happened
 * @param time when it happened (UTC, written with millisecond precision)
 * @param step the step's name (step events and heartbeats)
 * @param stepIndex the step's position in the task, from 0 (step events and heartbeats)
 * @param attempt 1 for the first attempt of a step, 2 for its first retry... (step events and
 *     heartbeats)
 * @param exitCode the attempt's exit status ({@code step.succeeded} is 0; {@code step.failed}: the
 *     tool's status, 124 for a timeout, -1 when the tool could not be started)
 * @param willRetry on {@code step.failed}: whether another attempt follows
 * @param durationMs on {@code step.succeeded}/{@code step.failed}: the attempt's wall time
 * @param logTail on {@code step.succeeded}/{@code step.failed}: the last lines of the tool's output
 *     (at most {@value #LOG_TAIL_MAX_CHARS} characters)
 * @param outcome on {@code finished}: {@code succeeded} or {@code failed}
 * @param message a human-readable line: why a step failed, why the job finished as it did
 */
@JsonPropertyOrder({
  "apiVersion",
  "kind",
  "eventId",
  "jobId",
  "sequence",
  "type",
  "time",
  "step",
  "stepIndex",
  "attempt",
  "exitCode",
  "willRetry",
  "durationMs",
  "logTail",
  "outcome",
  "message"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
    String apiVersion,
    String kind,
    String eventId,
    String jobId,
    long sequence,
    EventType type,
    Instant time,
    String step,
    Integer stepIndex,
    Integer attempt,
    Integer exitCode,
    Boolean willRetry,
    Long durationMs,
    String logTail,
    String outcome,
    String message) {

  public static final String KIND = "Event";
  public static final int LOG_TAIL_MAX_CHARS = 8192;
  public static final String OUTCOME_SUCCEEDED = "succeeded";
  public static final String OUTCOME_FAILED = "failed";

  /** Starts an event of a type; the builder fills apiVersion, kind and a fresh event id. */
  public static Builder builder(String jobId, long sequence, EventType type, Instant time) {
    return new Builder(jobId, sequence, type, time);
  }

  /** Builds events without long positional constructors. */
  public static final class Builder {
    private final String jobId;
    private final long sequence;
    private final EventType type;
    private final Instant time;
    private String eventId = UUID.randomUUID().toString();
    private String step;
    private Integer stepIndex;
    private Integer attempt;
    private Integer exitCode;
    private Boolean willRetry;
    private Long durationMs;
    private String logTail;
    private String outcome;
    private String message;

    private Builder(String jobId, long sequence, EventType type, Instant time) {
      this.jobId = jobId;
      this.sequence = sequence;
      this.type = type;
      this.time = time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public Builder eventId(String id) {
      this.eventId = id;
      return this;
    }

    public Builder step(int index, String name, int attemptNo) {
      this.stepIndex = index;
      this.step = name;
      this.attempt = attemptNo;
      return this;
    }

    public Builder result(int exit, long durationMillis, String tail) {
      this.exitCode = exit;
      this.durationMs = durationMillis;
      this.logTail = tail == null ? null : LogTail.clip(tail, LOG_TAIL_MAX_CHARS);
      return this;
    }

    public Builder willRetry(boolean retry) {
      this.willRetry = retry;
      return this;
    }

    public Builder outcome(String o) {
      this.outcome = o;
      return this;
    }

    public Builder message(String m) {
      this.message = m;
      return this;
    }

    public Event build() {
      return new Event(
          Task.API_VERSION,
          KIND,
          eventId,
          jobId,
          sequence,
          type,
          time,
          step,
          stepIndex,
          attempt,
          exitCode,
          willRetry,
          durationMs,
          logTail,
          outcome,
          message);
    }
  }
}
