/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/** The command line: picocli commands of the plinth binary. */
package dev.plinth.controller.cli;
