/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The dispatcher: the agent inside the maintenance OS that runs one task's steps and reports them.
 * {@link dev.plinth.dispatcher.Dispatcher#run} is the library entry point (used in-process by the
 * end-to-end tests and {@code plinth demo}); {@code cli} wraps it as {@code plinth-dispatcher}.
 *
 * <p>Package dependencies (no cycles; {@code contract} is the module {@code dev.plinth.contract},
 * on JDK and Jackson only): {@code sys} ← JDK; {@code runner} ← contract, sys; {@code report} ←
 * contract; {@code intake} ← contract, sys, iso-builder; this package ← all of them; {@code cli} ←
 * this package and all of them.
 */
package dev.plinth.dispatcher;
