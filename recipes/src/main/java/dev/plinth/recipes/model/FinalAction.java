/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** What the machine does once every step has succeeded. */
public enum FinalAction {
  /** Reboot from the installed disk (the controller ejects media and resets the boot target). */
  REBOOT,
  /** Power the machine off. */
  POWER_OFF,
  /** Stay in the maintenance OS (for inspection). */
  STAY
}
