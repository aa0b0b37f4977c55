/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The Plinth tool images: {@link dev.plinth.tools.ToolImages} builds all seven tools for amd64 and
 * arm64 from {@code tools-images/} (the {@link dev.plinth.tools.Sources} layout) without a
 * container daemon, reproducibly, and unpacks a built image for tests. It joins {@code debian}
 * (what goes in) and {@code oci} (how it is written); {@code cli} is the command line over it.
 * Allowed package dependencies: cli -&gt; tools -&gt; {debian, oci}; debian and oci do not use each
 * other.
 */
package dev.plinth.tools;
