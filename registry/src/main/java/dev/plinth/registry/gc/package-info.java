/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * Maintenance: garbage collection (mark and sweep with a grace period), retention policies and
 * fsck.
 */
package dev.plinth.registry.gc;
