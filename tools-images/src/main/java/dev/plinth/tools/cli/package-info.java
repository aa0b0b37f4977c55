/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The {@code tools-images/build.sh} command line (picocli) over {@link
 * dev.plinth.tools.ToolImages}.
 */
package dev.plinth.tools.cli;
