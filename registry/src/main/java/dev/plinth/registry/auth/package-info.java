/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * Authentication for /v2: Basic and bearer credentials, signed tokens, the token endpoint and the
 * challenge headers.
 */
package dev.plinth.registry.auth;
