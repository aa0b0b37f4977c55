/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * On-disk storage: the layout of the tree, a narrow file driver, and the stores for blobs,
 * repository metadata and upload sessions.
 */
package dev.plinth.registry.storage;
