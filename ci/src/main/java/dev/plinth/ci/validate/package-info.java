/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/** {@code ci validate}: the pull-request gate as one command. */
package dev.plinth.ci.validate;
