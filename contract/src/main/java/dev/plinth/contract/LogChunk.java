/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Webhook v1 step output: a piece of one attempt's output, the body of {@code POST
 * /webhooks/v1/jobs/{jobId}/logs} (docs/contracts.md, "Step logs"). Authenticated as events are,
 * but not sequenced with them: logs are best effort and a refused chunk never harms the job.
 *
 * @param chunk 1, 2, 3... per attempt, in output order (a resend carries the same number)
 * @param time when the first line of the chunk was read
 * @param text whole lines, each ending with {@code \n}, secrets redacted (at most {@value
 *     #MAX_TEXT_CHARS} characters)
 * @param dropped lines left out before this chunk by the dispatcher's rate limit (null: none;
 *     {@link #droppedLines})
 * @param truncated true when the attempt's or the job's output reached the dispatcher's limit: no
 *     more chunks follow for this attempt (null: false; {@link #truncatedHere})
 */
@JsonPropertyOrder({
  "apiVersion",
  "kind",
  "jobId",
  "step",
  "stepIndex",
  "attempt",
  "chunk",
  "time",
  "text",
  "dropped",
  "truncated"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogChunk(
    String apiVersion,
    String kind,
    String jobId,
    String step,
    int stepIndex,
    int attempt,
    long chunk,
    Instant time,
    String text,
    Long dropped,
    Boolean truncated) {

  public static final String KIND = "LogChunk";

  /** The most text one chunk carries. */
  public static final int MAX_TEXT_CHARS = 32 * 1024;

  private static final Pattern STEP = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /** A chunk of {@code jobId}'s output. */
  public static LogChunk of(
      String jobId,
      String step,
      int stepIndex,
      int attempt,
      long chunk,
      Instant time,
      String text,
      long dropped,
      boolean truncated) {
    return new LogChunk(
        Task.API_VERSION,
        KIND,
        jobId,
        step,
        stepIndex,
        attempt,
        chunk,
        time,
        text,
        dropped == 0 ? null : dropped,
        truncated ? Boolean.TRUE : null);
  }

  /** Lines the rate limit left out before this chunk (0 when none). */
  public long droppedLines() {
    return dropped == null ? 0 : dropped;
  }

  /** Whether the dispatcher's limit ended the attempt's output here. */
  public boolean truncatedHere() {
    return Boolean.TRUE.equals(truncated);
  }

  /** The body: one line of UTF-8 JSON. */
  public byte[] write() {
    try {
      return ContractJson.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses and validates a body (the controller's side). */
  public static LogChunk read(byte[] json) throws ContractException {
    LogChunk c;
    try {
      c = ContractJson.mapper().readValue(json, LogChunk.class);
    } catch (IOException e) {
      throw new ContractException("not a LogChunk v1: " + e.getMessage(), e);
    }
    List<String> p = new ArrayList<>();
    if (!Task.API_VERSION.equals(c.apiVersion())) {
      p.add("apiVersion must be " + Task.API_VERSION);
    }
    if (!KIND.equals(c.kind())) {
      p.add("kind must be " + KIND);
    }
    if (c.jobId() == null || c.jobId().isEmpty()) {
      p.add("jobId is required");
    }
    if (c.step() == null || !STEP.matcher(c.step()).matches()) {
      p.add("step must be a step name");
    }
    if (c.stepIndex() < 0) {
      p.add("stepIndex must be >= 0");
    }
    if (c.attempt() < 1) {
      p.add("attempt must be >= 1");
    }
    if (c.chunk() < 1) {
      p.add("chunk must be >= 1");
    }
    if (c.time() == null) {
      p.add("time is required");
    }
    if (c.text() == null) {
      p.add("text is required");
    } else if (c.text().length() > MAX_TEXT_CHARS) {
      p.add("text must be at most " + MAX_TEXT_CHARS + " characters");
    }
    if (c.droppedLines() < 0) {
      p.add("dropped must be >= 0");
    }
    if (!p.isEmpty()) {
      throw new ContractException(p);
    }
    return c;
  }
}
