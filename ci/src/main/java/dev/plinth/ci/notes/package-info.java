/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/** Release notes from the git history ({@code ci release-notes}). */
package dev.plinth.ci.notes;
