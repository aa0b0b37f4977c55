/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The release's artifact inventory ({@code artifacts.json} in the dist directory): the one list
 * every stage after {@code ci build} reads, so SBOM, signing, publishing and verification agree on
 * what the release is.
 */
package dev.plinth.ci.artifact;
