/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

import java.util.Optional;

/**
 * Checks a user name and secret (the API token as the Basic password); the controller implements it
 * against its token store.
 */
@FunctionalInterface
public interface CredentialChecker {

  /** The authenticated subject, or empty when the credentials are wrong. */
  Optional<String> authenticate(String user, String secret);

  /** Accepts nobody. */
  static CredentialChecker none() {
    return (u, s) -> Optional.empty();
  }
}
