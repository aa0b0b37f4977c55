/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import dev.plinth.ci.artifact.Artifact;
import java.nio.file.Path;

/** Where an artifact's SBOM lives in the dist directory (the release contract). */
public final class SbomFiles {
  private SbomFiles() {}

  /**
   * {@code <path>.cdx.json} beside a FILE artifact; {@code sbom/<name, / as _>.cdx.json} for an
   * IMAGE.
   */
  public static Path of(Path dist, Artifact a) {
    return a.kind() == Artifact.Kind.FILE
        ? dist.resolve(a.path() + ".cdx.json")
        : dist.resolve("sbom").resolve(a.name().replace('/', '_') + ".cdx.json");
  }
}
