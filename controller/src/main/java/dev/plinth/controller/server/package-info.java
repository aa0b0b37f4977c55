/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** The control-plane HTTP server: routing, health, readiness and metrics endpoints. */
package dev.plinth.controller.server;
