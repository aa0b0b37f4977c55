/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** Erases disks for decommissioning, optionally reading back to verify. */
public record WipeStep(
    String name, StepPolicy policy, WipeMethod method, WipeScope disks, boolean verify)
    implements Step {
  public WipeStep {
    disks = disks == null ? WipeScope.TARGET : disks;
  }
}
