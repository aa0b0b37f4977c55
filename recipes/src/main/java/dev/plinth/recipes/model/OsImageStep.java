/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Optional;

/**
 * Writes an OS image stored as an OCI artifact: a rootfs tarball unpacked onto a partition, or a
 * raw image written to a partition or the whole disk; the content is checked against {@code digest}
 * when given.
 */
public record OsImageStep(
    String name,
    StepPolicy policy,
    ImageRef ref,
    ImageFormat format,
    Compression compression,
    Target target,
    Optional<String> digest)
    implements Step {
  public OsImageStep {
    format = format == null ? ImageFormat.TAR : format;
    compression = compression == null ? Compression.NONE : compression;
    digest = digest == null ? Optional.empty() : digest;
  }
}
