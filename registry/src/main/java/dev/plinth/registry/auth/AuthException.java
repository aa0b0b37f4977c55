/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.auth;

import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;

/** A 401: carries the scope the client should ask the token endpoint for (or null). */
public final class AuthException extends RegistryException {

  private static final long serialVersionUID = 1L;

  private final String scope;
  private final boolean insufficientScope;

  public AuthException(String scope, boolean insufficientScope) {
    super(ErrorCode.UNAUTHORIZED);
    this.scope = scope;
    this.insufficientScope = insufficientScope;
  }

  /** The scope to put in the challenge, or null. */
  public String scope() {
    return scope;
  }

  public boolean insufficientScope() {
    return insufficientScope;
  }
}
