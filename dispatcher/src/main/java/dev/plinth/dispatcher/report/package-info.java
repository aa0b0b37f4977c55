/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Reliable event reporting: the {@link dev.plinth.dispatcher.report.EventJournal} (every event on
 * disk, fsynced, before it is sent; acknowledged events kept as the job's history), the {@link
 * dev.plinth.dispatcher.report.WebhookClient} (signed posts) and the {@link
 * dev.plinth.dispatcher.report.Reporter} (sends in strict sequence order with exponential backoff
 * and jitter). Depends on {@code contract}.
 */
package dev.plinth.dispatcher.report;
