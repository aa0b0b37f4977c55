/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import dev.plinth.ci.sbom.SbomComponents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ci gate vulns}: every SBOM component (by purl and version) against an offline OSV
 * database. A HIGH or CRITICAL match fails unless an exception records it (advisory id or alias,
 * optionally the component, a reason and an expiry date not yet past). Lower and unknown severities
 * are reported, not blocking.
 */
public final class VulnGate {

  /**
   * A recorded exception.
   *
   * @param id advisory id or alias
   * @param component purl without version and qualifiers, or null for every component
   * @param reason why the release may ship with it
   * @param expires last day it applies
   */
  public record Waiver(String id, String component, String reason, LocalDate expires) {}

  /**
   * One finding.
   *
   * @param artifact artifact name
   * @param component purl
   * @param advisory advisory id
   * @param severity its severity
   * @param fixed fixed versions named by the advisory
   * @param waiver the exception applied, or null
   * @param expiredWaiver an exception that would have applied but has expired, or null
   */
  public record Finding(
      String artifact,
      String component,
      String advisory,
      Severity severity,
      List<String> fixed,
      Waiver waiver,
      Waiver expiredWaiver) {

    /** Whether it fails the gate. */
    public boolean blocks() {
      return severity.blocks() && waiver == null;
    }

    @Override
    public String toString() {
      String s =
          artifact
              + ": "
              + component
              + " is affected by "
              + advisory
              + " ("
              + severity
              + ")"
              + (fixed.isEmpty() ? "" : ", fixed in " + String.join(", ", fixed));
      if (waiver != null) {
        s += "; excepted until " + waiver.expires() + ": " + waiver.reason();
      } else if (expiredWaiver != null) {
        s += "; its exception expired on " + expiredWaiver.expires();
      }
      return s;
    }
  }

  private final OsvDatabase db;
  private final List<Waiver> waivers;
  private final LocalDate today;

  public VulnGate(OsvDatabase db, List<Waiver> waivers, LocalDate today) {
    this.db = db;
    this.waivers = List.copyOf(waivers);
    this.today = today;
  }

  /**
   * Reads an exceptions file: {@code {"exceptions": [{"id", "component"?, "reason", "expires"}]}}.
   */
  public static List<Waiver> readWaivers(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<Waiver> out = new ArrayList<>();
    for (JsonNode e : root.path("exceptions")) {
      String id = e.path("id").asText("");
      String reason = e.path("reason").asText("").strip();
      String expires = e.path("expires").asText("");
      if (id.isEmpty() || reason.isEmpty() || expires.isEmpty()) {
        throw new IllegalArgumentException(
            file + ": an exception needs an id, a reason and an expiry date: " + e);
      }
      LocalDate date;
      try {
        date = LocalDate.parse(expires);
      } catch (DateTimeParseException x) {
        throw new IllegalArgumentException(file + ": expires is not YYYY-MM-DD: " + expires, x);
      }
      out.add(
          new Waiver(
              id, e.hasNonNull("component") ? e.get("component").asText() : null, reason, date));
    }
    return out;
  }

  /** Every finding over the dist directory's SBOMs. */
  public List<Finding> check(Path dist) {
    Inventory inv = Inventory.read(dist);
    List<Finding> out = new ArrayList<>();
    for (Artifact a : inv.artifacts()) {
      for (SbomComponents.Entry c : SbomComponents.read(dist, a)) {
        out.addAll(check(a.name(), c));
      }
    }
    return out;
  }

  /** The findings of one component. */
  public List<Finding> check(String artifact, SbomComponents.Entry c) {
    if (c.purl() == null) {
      return List.of();
    }
    List<Finding> out = new ArrayList<>();
    for (OsvDatabase.Match m : db.matches(c.purl())) {
      OsvAdvisory adv = m.advisory();
      Waiver applied = null;
      Waiver expired = null;
      for (Waiver w : waivers) {
        boolean idMatches = w.id().equals(adv.id()) || adv.aliases().contains(w.id());
        boolean componentMatches = w.component() == null || w.component().equals(c.key());
        if (idMatches && componentMatches) {
          if (!today.isAfter(w.expires())) {
            applied = w;
          } else {
            expired = w;
          }
        }
      }
      out.add(
          new Finding(
              artifact, c.purl(), adv.id(), adv.severity(), adv.fixedVersions(), applied, expired));
    }
    return out;
  }
}
