/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Runners execute one attempt of a task step: {@link dev.plinth.dispatcher.runner.QuadletRunner}
 * renders Quadlet {@code .container} units and drives them with systemctl inside the maintenance
 * OS; {@link dev.plinth.dispatcher.runner.LocalRunner} runs simulated tools as processes in a
 * sandbox directory (tests, {@code plinth demo}). Depends on {@code contract} only.
 */
package dev.plinth.dispatcher.runner;
