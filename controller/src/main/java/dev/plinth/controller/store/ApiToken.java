/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;

/**
 * An API token as stored: only the hash of the secret.
 *
 * @param role admin, operator or viewer
 * @param expiresAt null when it does not expire
 */
public record ApiToken(
    String id, String name, String role, String hash, Instant createdAt, Instant expiresAt) {

  public boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
