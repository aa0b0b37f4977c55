/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * The /v2 HTTP handlers (Helidon): routing, the distribution-spec endpoints and the one error
 * writer.
 */
package dev.plinth.registry.http;
