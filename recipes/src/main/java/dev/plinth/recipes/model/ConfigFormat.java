/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** The first-boot configuration a {@link ConfigDriveStep} writes. */
public enum ConfigFormat {
  /** A cloud-init NoCloud config drive (label {@code cidata}). */
  CLOUD_INIT,
  /** An Ignition config. */
  IGNITION
}
