/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** Tokens and secrets: the admin token, token hashing. */
package dev.plinth.controller.security;
