/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** End-to-end tests of the whole system: the packaged binary, the controller and its peers. */
package dev.plinth.e2e;
