/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import dev.plinth.controller.redfish.model.Message;
import java.util.List;

/** The BMC answered with an error status. */
public sealed class RedfishHttpException extends RedfishException permits RedfishAuthException {
  private static final long serialVersionUID = 1L;

  RedfishHttpException(String bmc, String resource, int status, List<Message> info) {
    this(bmc, resource, status, info, null);
  }

  RedfishHttpException(String bmc, String resource, int status, List<Message> info, String what) {
    super(bmc, resource, status, info, what, null);
  }
}
