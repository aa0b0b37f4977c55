/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

/** A failure the client is told about: it carries its spec error code and so its status. */
public class RegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public RegistryException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public RegistryException(ErrorCode code) {
    this(code, code.message());
  }

  public ErrorCode code() {
    return code;
  }
}
