/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * The registry's public vocabulary: identifiers (digests, names, references), error codes, access
 * actions and the authorization hooks the controller implements.
 */
package dev.plinth.registry.api;
