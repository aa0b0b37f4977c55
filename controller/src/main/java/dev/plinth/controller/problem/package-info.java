/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * {@code application/problem+json} (RFC 9457): the one writer for every error the controller's API,
 * media and webhooks answer, and the routing's and listener's handlers that send Helidon's own
 * errors (an unrouted path, an uncaught exception, a malformed request) through it. {@code /v2}
 * keeps the distribution spec's error JSON. Uses Helidon and Jackson only.
 */
package dev.plinth.controller.problem;
