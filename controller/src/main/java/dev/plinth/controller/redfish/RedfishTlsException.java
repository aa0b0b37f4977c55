/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.List;

/**
 * The BMC's TLS certificate is not trusted (unknown issuer, wrong host name, expired, or not the
 * pinned one). Permanent: the client does not retry it. The message says how to trust the
 * certificate; {@link #fingerprint()} is its SHA-256, for a pin.
 */
public final class RedfishTlsException extends RedfishException {
  private static final long serialVersionUID = 1L;

  private final String fingerprint;

  RedfishTlsException(String bmc, String resource, String what, String fingerprint, Throwable c) {
    super(bmc, resource, 0, List.of(), what, c);
    this.fingerprint = fingerprint;
  }

  /** SHA-256 of the certificate the BMC presented (lower-case hex), or null if unknown. */
  public String fingerprint() {
    return fingerprint;
  }
}
