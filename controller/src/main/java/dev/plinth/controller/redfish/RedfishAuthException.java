/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import dev.plinth.controller.redfish.model.Message;
import java.util.List;

/** The BMC refused the credentials or the session (401/403), also after logging in again. */
public final class RedfishAuthException extends RedfishHttpException {
  private static final long serialVersionUID = 1L;

  RedfishAuthException(String bmc, String resource, int status, List<Message> info) {
    super(bmc, resource, status, info);
  }
}
