/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** The project's own pipeline program: one command per pipeline step. */
package dev.plinth.ci;
