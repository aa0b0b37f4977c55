/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.List;

/** The BMC lacks what was asked: no CD slot, a boot target or reset type it does not allow. */
public final class RedfishUnsupportedException extends RedfishException {
  private static final long serialVersionUID = 1L;

  RedfishUnsupportedException(String bmc, String resource, String what) {
    super(bmc, resource, 0, List.of(), what, null);
  }
}
