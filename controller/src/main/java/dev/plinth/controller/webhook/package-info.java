/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Webhook v1: the dispatcher's events, authenticated by the job token and an HMAC with a timestamp
 * window, stored once by event id in sequence order, and turned into job state changes.
 */
package dev.plinth.controller.webhook;
