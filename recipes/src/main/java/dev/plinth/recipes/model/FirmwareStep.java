/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Optional;

/** Applies a vendor firmware package stored as an OCI artifact to one component. */
public record FirmwareStep(
    String name,
    StepPolicy policy,
    Vendor vendor,
    FirmwareComponent component,
    ImageRef ref,
    Optional<String> digest,
    RebootPolicy reboot)
    implements Step {
  public FirmwareStep {
    digest = digest == null ? Optional.empty() : digest;
    reboot = reboot == null ? RebootPolicy.IF_REQUIRED : reboot;
  }
}
