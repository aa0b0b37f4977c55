/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

/** The BMC families whose quirks the client knows; anything else is {@link #GENERIC}. */
public enum Vendor {
  DELL,
  HPE,
  SUPERMICRO,
  LENOVO,
  OPENBMC,
  GENERIC
}
