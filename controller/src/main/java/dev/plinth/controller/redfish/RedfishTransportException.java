/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.List;

/** No usable answer: connection refused or dropped, TLS failure, read timeout. */
public final class RedfishTransportException extends RedfishException {
  private static final long serialVersionUID = 1L;

  RedfishTransportException(String bmc, String resource, String what, Throwable cause) {
    super(bmc, resource, 0, List.of(), what, cause);
  }
}
