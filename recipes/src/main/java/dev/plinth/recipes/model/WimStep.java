/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Optional;

/** Applies one image (by index, from 1) of a Windows WIM stored as an OCI artifact. */
public record WimStep(
    String name, StepPolicy policy, ImageRef ref, int index, Target target, Optional<String> digest)
    implements Step {
  public WimStep {
    digest = digest == null ? Optional.empty() : digest;
    if (index < 1) {
      throw new IllegalArgumentException("WIM index starts at 1");
    }
  }
}
