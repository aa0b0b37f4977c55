/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/** The plinth binary: entry point and build information. */
package dev.plinth.controller;
