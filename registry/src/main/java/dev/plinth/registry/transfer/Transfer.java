/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.transfer;

import dev.plinth.registry.storage.BlobStore;
import dev.plinth.registry.storage.RepositoryStore;

/** Import and export of OCI image layouts (directory or tar). */
public final class Transfer {

  private final BlobStore blobs;
  private final RepositoryStore repos;

  public Transfer(BlobStore blobs, RepositoryStore repos) {
    this.blobs = blobs;
    this.repos = repos;
  }

  BlobStore blobs() {
    return blobs;
  }

  RepositoryStore repos() {
    return repos;
  }
}
