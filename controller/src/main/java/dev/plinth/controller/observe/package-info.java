/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** Observability: JSON-lines logs, the access log, Prometheus metrics. */
package dev.plinth.controller.observe;
