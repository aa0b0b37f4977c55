/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import dev.plinth.ci.sbom.SbomComponents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ci gate licences}: every component of every SBOM against the {@link LicencePolicy}. Debian
 * packages ({@code pkg:deb/}) are judged as aggregated programs, everything else as linked
 * libraries. A component fails when its licence expression cannot be satisfied by allowed ids (an
 * OR needs one allowed branch, an AND all parts); {@code NOASSERTION} and unknown names fail unless
 * an exception names them.
 */
public final class LicenceGate {
  private final LicencePolicy policy;

  public LicenceGate(LicencePolicy policy) {
    this.policy = policy;
  }

  /**
   * One refusal.
   *
   * @param artifact the artifact's name
   * @param component the component (purl or name)
   * @param licence its licence expression
   * @param offending the ids that are not allowed
   */
  public record Violation(
      String artifact, String component, String licence, List<String> offending) {
    @Override
    public String toString() {
      return artifact
          + ": "
          + component
          + " is licensed "
          + licence
          + " (not allowed: "
          + String.join(", ", offending)
          + ")";
    }
  }

  /** Checks every artifact of the dist directory; returns the violations (empty = pass). */
  public List<Violation> check(Path dist) {
    Inventory inv = Inventory.read(dist);
    List<Violation> out = new ArrayList<>();
    for (Artifact a : inv.artifacts()) {
      for (SbomComponents.Entry c : SbomComponents.read(dist, a)) {
        check(a.name(), c).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Checks one component. */
  public java.util.Optional<Violation> check(String artifact, SbomComponents.Entry c) {
    LicencePolicy.Scope scope =
        c.purl() != null && c.purl().startsWith("pkg:deb/")
            ? LicencePolicy.Scope.AGGREGATE
            : LicencePolicy.Scope.LINKED;
    List<String> offending;
    try {
      offending =
          SpdxExpression.parse(c.licence()).offending(id -> policy.allows(scope, c.key(), id));
    } catch (IllegalArgumentException e) {
      offending = List.of("unparseable expression");
    }
    return offending.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            new Violation(
                artifact, c.purl() != null ? c.purl() : c.name(), c.licence(), offending));
  }
}
