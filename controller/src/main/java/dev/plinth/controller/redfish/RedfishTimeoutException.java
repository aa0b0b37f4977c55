/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.List;

/** A deadline passed while waiting for a power state or a task. */
public final class RedfishTimeoutException extends RedfishException {
  private static final long serialVersionUID = 1L;

  RedfishTimeoutException(String bmc, String resource, String what) {
    super(bmc, resource, 0, List.of(), what, null);
  }
}
