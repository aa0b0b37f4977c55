/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.auth.Authenticator;
import dev.plinth.registry.dataplane.DataPlane;
import dev.plinth.registry.storage.BlobStore;
import dev.plinth.registry.storage.RepositoryStore;
import dev.plinth.registry.storage.UploadStore;

/**
 * What the handlers work on.
 *
 * @param blobs the blob store
 * @param repos repository metadata
 * @param uploads upload sessions
 * @param auth authentication and authorization
 * @param dataPlane where large blob GETs are redirected, or null to serve them here
 * @param settings tunables
 */
public record Backend(
    BlobStore blobs,
    RepositoryStore repos,
    UploadStore uploads,
    Authenticator auth,
    DataPlane dataPlane,
    HttpSettings settings) {}
