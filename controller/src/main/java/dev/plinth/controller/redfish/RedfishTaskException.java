/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import dev.plinth.controller.redfish.model.Message;
import java.util.List;

/** A BMC task ended in Exception, Killed or Cancelled. */
public final class RedfishTaskException extends RedfishException {
  private static final long serialVersionUID = 1L;

  RedfishTaskException(String bmc, String resource, String state, List<Message> messages) {
    super(bmc, resource, 0, messages, "task ended " + state, null);
  }
}
