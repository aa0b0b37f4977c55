/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The release gates over the SBOMs ({@code ci gate licences}, {@code ci gate vulns}): the licence
 * policy, the offline OSV matcher and the Maven / dpkg / SemVer version orderings.
 */
package dev.plinth.ci.gate;
