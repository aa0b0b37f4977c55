/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** Whether a firmware update reboots the machine to activate. */
public enum RebootPolicy {
  NEVER,
  IF_REQUIRED,
  ALWAYS
}
