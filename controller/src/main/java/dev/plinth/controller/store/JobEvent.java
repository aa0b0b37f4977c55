/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;

/**
 * Something that happened to a job: a state change by the controller, or an event the dispatcher
 * posted.
 *
 * @param id position in the job's stream (increasing; the SSE cursor)
 * @param eventId the dispatcher's unique event id; null for controller events
 * @param seq the dispatcher's sequence number; null for controller events
 * @param data the event's JSON body
 */
public record JobEvent(
    long id,
    String jobId,
    String eventId,
    Long seq,
    String type,
    String step,
    String data,
    Instant at) {}
