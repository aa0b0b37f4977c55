/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * {@code ci rehearse}: main's and the tag's pipeline stages run in order against two local
 * registries, then verified as an operator would.
 */
package dev.plinth.ci.rehearse;
