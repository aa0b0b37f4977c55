/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/** Test helpers: real peers (PostgreSQL) with skip-or-fail rules, fixtures. */
package dev.plinth.controller.testing;
