/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.util.ArrayList;
import java.util.List;

/** The meaning checks of Event v1. */
final class EventValidation {

  private EventValidation() {}

  /**
   * Whether {@code s} is {@code [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}},
   * checked without a regex: every event is.
   */
  static boolean isLowercaseUuid(String s) {
    if (s == null || s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean ok =
          i == 8 || i == 13 || i == 18 || i == 23
              ? c == '-'
              : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static List<String> problems(Event e) {
    List<String> p = new ArrayList<>();
    if (!Task.API_VERSION.equals(e.apiVersion())) {
      p.add("apiVersion: must be " + Task.API_VERSION + ", is " + e.apiVersion());
    }
    if (!Event.KIND.equals(e.kind())) {
      p.add("kind: must be " + Event.KIND + ", is " + e.kind());
    }
    if (!isLowercaseUuid(e.eventId())) {
      p.add("eventId: must be a lowercase UUID, is " + e.eventId());
    }
    if (e.jobId() == null || !TaskValidation.JOB_ID.matcher(e.jobId()).matches()) {
      p.add("jobId: must match " + TaskValidation.JOB_ID + ", is " + e.jobId());
    }
    if (e.sequence() < 1) {
      p.add("sequence: must be >= 1, is " + e.sequence());
    }
    if (e.time() == null) {
      p.add("time: required");
    }
    if (e.type() == null) {
      p.add(
          "type: required (booted, step.started, step.succeeded, step.failed, heartbeat, finished)");
      return p;
    }
    if (e.type().aboutStep()) {
      if (e.step() == null || !TaskValidation.STEP_NAME.matcher(e.step()).matches()) {
        p.add("step: required for " + e.type() + ", is " + e.step());
      }
      if (e.stepIndex() == null || e.stepIndex() < 0) {
        p.add("stepIndex: required for " + e.type());
      }
      if (e.attempt() == null || e.attempt() < 1) {
        p.add("attempt: required for " + e.type() + " (>= 1)");
      }
    }
    switch (e.type()) {
      case STEP_SUCCEEDED -> {
        if (e.exitCode() == null || e.exitCode() != 0) {
          p.add("exitCode: must be 0 for step.succeeded, is " + e.exitCode());
        }
      }
      case STEP_FAILED -> {
        if (e.exitCode() == null || e.exitCode() == 0) {
          p.add("exitCode: must be non-zero for step.failed, is " + e.exitCode());
        }
        if (e.willRetry() == null) {
          p.add("willRetry: required for step.failed");
        }
      }
      case FINISHED -> {
        if (!Event.OUTCOME_SUCCEEDED.equals(e.outcome())
            && !Event.OUTCOME_FAILED.equals(e.outcome())) {
          p.add("outcome: must be succeeded or failed for finished, is " + e.outcome());
        }
      }
      case BOOTED, STEP_STARTED, HEARTBEAT -> {}
    }
    if (e.logTail() != null && e.logTail().length() > Event.LOG_TAIL_MAX_CHARS) {
      p.add("logTail: longer than " + Event.LOG_TAIL_MAX_CHARS + " characters");
    }
    return p;
  }
}
