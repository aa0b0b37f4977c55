/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The {@code plinth-dispatcher} command line: {@code run}, {@code check-task}, {@code
 * render-units}.
 */
package dev.plinth.dispatcher.cli;
