/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import java.util.SortedMap;

/**
 * One component found in an artifact, before it becomes a CycloneDX component.
 *
 * @param purl package URL (the bom-ref too), or null for an unidentified file
 * @param group Maven group or null
 * @param name artifact or package name
 * @param version version
 * @param sha256 SHA-256 of the jar or .deb, or null
 * @param licence SPDX licence expression, or null (NOASSERTION)
 * @param properties extra facts ({@code plinth:licence-source}, ...)
 */
public record Part(
    String purl,
    String group,
    String name,
    String version,
    String sha256,
    String licence,
    SortedMap<String, String> properties) {

  /** The bom-ref: the purl, else {@code file:<name>}. */
  public String ref() {
    return purl != null ? purl : "file:" + name;
  }
}
