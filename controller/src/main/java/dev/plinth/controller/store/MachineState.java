/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.util.Locale;

/**
 * Where a machine is in its life (docs/controller.md, "Machine lifecycle"). The database stores the
 * enum name; the wire form is lower case ({@code provisioning}).
 */
public enum MachineState {
  /** Added; the BMC has not been checked and the inventory not read yet. */
  ENROLLING,
  /** Enrolled and idle: takes jobs. */
  AVAILABLE,
  /** A job is active on it. */
  PROVISIONING,
  /** Its last job succeeded: takes jobs (re-provisioning). */
  PROVISIONED,
  /** Its last job failed or timed out: takes jobs. */
  FAILED,
  /** On its way out of the fleet: takes no jobs; remove it when it is gone. */
  DECOMMISSIONING,
  /** Held by an operator: takes no jobs until maintenance ends. */
  MAINTENANCE;

  /** The wire form: {@code available}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire form or the enum name, case-insensitively. */
  public static MachineState parse(String s) {
    for (MachineState st : values()) {
      if (st.name().equalsIgnoreCase(s.strip())) {
        return st;
      }
    }
    throw new IllegalArgumentException("unknown machine state '" + s + "'");
  }
}
