/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Release build: {@code ci build} assembles every artifact of one commit into a dist directory
 * ({@code artifacts.json}, {@code SHA256SUMS}); {@code ci verify-reproducible} compares two builds.
 */
package dev.plinth.ci.build;
