/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * API v1 over HTTP: JSON resources for machines, jobs, events, recipes and tokens; problem+json
 * errors; token authentication with roles; the OpenAPI document.
 */
package dev.plinth.controller.api;
