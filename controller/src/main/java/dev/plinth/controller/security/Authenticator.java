/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import dev.plinth.controller.store.ApiToken;
import dev.plinth.controller.store.TokenStore;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Turns a bearer token into a {@link Principal}: the token's SHA-256 is looked up among the stored
 * API tokens (the bootstrap admin token from {@code DATA/admin.token} is stored the same way).
 */
public final class Authenticator {

  /** The id under which the admin token file's hash is stored. */
  public static final String BOOTSTRAP_ID = "bootstrap-admin";

  private final TokenStore tokens;
  private final InstantSource clock;

  public Authenticator(TokenStore tokens, InstantSource clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** Stores (or replaces) the hash of the bootstrap admin token. */
  public void installBootstrap(String adminToken) {
    tokens.put(
        new ApiToken(
            BOOTSTRAP_ID,
            "admin (admin.token)",
            Role.ADMIN.wire(),
            TokenHash.of(adminToken),
            clock.instant(),
            null));
  }

  /** The principal for an {@code Authorization} header value, if it carries a valid token. */
  public Optional<Principal> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = authorization.substring(7).strip();
    if (token.isEmpty()) {
      return Optional.empty();
    }
    return tokens
        .byHash(TokenHash.of(token))
        .filter(t -> !t.expired(clock.instant()))
        .map(t -> new Principal(t.id(), t.name(), Role.parse(t.role())));
  }
}
