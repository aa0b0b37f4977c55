/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * {@code plinth demo} and the end-to-end tests: simulated BMCs whose servers, when booted from the
 * task ISO, run the real dispatcher with its local runner (no disk writes); tool images published
 * to the embedded registry so recipes resolve to digests.
 */
package dev.plinth.simulator.demo;
