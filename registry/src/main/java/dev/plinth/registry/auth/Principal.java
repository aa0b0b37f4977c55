/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.auth;

/**
 * Who made a request.
 *
 * @param subject the authenticated subject, or null for anonymous
 * @param token the bearer token's grants when the request carried one, else null
 */
public record Principal(String subject, TokenSigner.Verified token) {

  public static final Principal ANONYMOUS = new Principal(null, null);

  public boolean anonymous() {
    return subject == null && token == null;
  }
}
