/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import dev.plinth.controller.redfish.model.Message;
import java.util.List;

/**
 * The BMC refused the credentials or the session (401/403), also after logging in again. A refused
 * login (session or Basic) says "the BMC refused the user name or password".
 */
public final class RedfishAuthException extends RedfishHttpException {
  private static final long serialVersionUID = 1L;

  /** The words of a refused login: what an operator has to fix. */
  static final String REFUSED = "the BMC refused the user name or password";

  RedfishAuthException(String bmc, String resource, int status, List<Message> info) {
    super(bmc, resource, status, info);
  }

  RedfishAuthException(String bmc, String resource, int status, List<Message> info, String what) {
    super(bmc, resource, status, info, what);
  }
}
