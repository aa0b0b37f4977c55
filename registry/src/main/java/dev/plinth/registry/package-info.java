/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * The embedded OCI distribution-spec 1.1 registry: the entry point ({@link
 * dev.plinth.registry.Registry}).
 */
package dev.plinth.registry;
