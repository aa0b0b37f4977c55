/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import dev.plinth.registry.api.Digest;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A stored blob.
 *
 * @param digest its digest
 * @param size its length in bytes
 * @param modified its mtime: the last time a push wrote, mounted or referenced it
 * @param path where its bytes are
 */
public record BlobInfo(Digest digest, long size, Instant modified, Path path) {}
