/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** The hardware vendor whose update tooling a {@link FirmwareStep} uses. */
public enum Vendor {
  DELL,
  HPE,
  LENOVO,
  SUPERMICRO,
  GENERIC
}
