/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One OSV advisory (https://ossf.github.io/osv-schema/): what the gate reads of it.
 *
 * @param id the advisory id (GHSA-..., CVE-..., DSA-...)
 * @param aliases other ids of the same vulnerability
 * @param summary one line
 * @param severity the highest of: database_specific.severity, each affected entry's
 *     ecosystem_specific/database_specific severity, the CVSS v3 vectors (computed) or numeric
 *     scores in severity[]; {@link Severity#UNKNOWN} when none is given
 * @param affected the affected packages
 */
public record OsvAdvisory(
    String id, List<String> aliases, String summary, Severity severity, List<Affected> affected) {

  /**
   * An affected package.
   *
   * @param ecosystem OSV ecosystem ({@code Maven}, {@code Debian:13})
   * @param name package name ({@code group:artifact} for Maven, the source package for Debian)
   * @param purl the package's purl without version, or null
   * @param ranges version ranges
   * @param versions versions listed explicitly
   */
  public record Affected(
      String ecosystem, String name, String purl, List<Range> ranges, List<String> versions) {}

  /**
   * A range: its type (SEMVER, ECOSYSTEM, GIT) and events in order.
   *
   * @param type range type
   * @param events introduced / fixed / last_affected / limit events
   */
  public record Range(String type, List<Event> events) {}

  /**
   * One event.
   *
   * @param kind introduced, fixed, last_affected or limit
   * @param version the version ("0" for introduced means every version)
   */
  public record Event(String kind, String version) {}

  /** Reads an advisory from its OSV JSON; refuses one without an id. */
  public static OsvAdvisory of(JsonNode n) {
    String id = n.path("id").asText("");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("OSV entry without an id");
    }
    List<String> aliases = new ArrayList<>();
    n.path("aliases").forEach(a -> aliases.add(a.asText()));
    Severity sev = label(n.path("database_specific").path("severity")).orElse(Severity.UNKNOWN);
    for (JsonNode s : n.path("severity")) {
      sev = max(sev, score(s.path("type").asText(), s.path("score").asText()));
    }
    List<Affected> affected = new ArrayList<>();
    for (JsonNode a : n.path("affected")) {
      JsonNode p = a.path("package");
      sev = max(sev, label(a.path("ecosystem_specific").path("severity")).orElse(Severity.UNKNOWN));
      sev = max(sev, label(a.path("database_specific").path("severity")).orElse(Severity.UNKNOWN));
      for (JsonNode s : a.path("severity")) {
        sev = max(sev, score(s.path("type").asText(), s.path("score").asText()));
      }
      List<Range> ranges = new ArrayList<>();
      for (JsonNode r : a.path("ranges")) {
        List<Event> events = new ArrayList<>();
        for (JsonNode e : r.path("events")) {
          e.fieldNames().forEachRemaining(k -> events.add(new Event(k, e.path(k).asText())));
        }
        ranges.add(new Range(r.path("type").asText(), events));
      }
      List<String> versions = new ArrayList<>();
      a.path("versions").forEach(v -> versions.add(v.asText()));
      affected.add(
          new Affected(
              p.path("ecosystem").asText(""),
              p.path("name").asText(""),
              p.hasNonNull("purl") ? p.path("purl").asText() : null,
              ranges,
              versions));
    }
    return new OsvAdvisory(id, aliases, n.path("summary").asText(""), sev, affected);
  }

  private static Optional<Severity> label(JsonNode n) {
    return n.isTextual() ? Severity.ofLabel(n.asText()) : Optional.empty();
  }

  private static Severity score(String type, String score) {
    if (score.matches("\\d+(\\.\\d+)?")) {
      return Severity.ofScore(Double.parseDouble(score));
    }
    if (type.startsWith("CVSS_V3")) {
      return Severity.cvss3BaseScore(score).map(Severity::ofScore).orElse(Severity.UNKNOWN);
    }
    return Severity.UNKNOWN;
  }

  private static Severity max(Severity a, Severity b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * Whether {@code version} of a package is affected according to one entry: listed in {@code
   * versions}, or inside a SEMVER/ECOSYSTEM range (events walked in version order: introduced
   * opens, fixed and limit close at their version, last_affected closes after it). GIT ranges are
   * ignored (they need the repository).
   */
  public static boolean affects(Affected a, String version, VersionScheme scheme) {
    for (String v : a.versions()) {
      if (scheme.compare(v, version) == 0) {
        return true;
      }
    }
    for (Range r : a.ranges()) {
      VersionScheme s;
      if (r.type().equals("SEMVER")) {
        s = VersionScheme.SEMVER;
      } else if (r.type().equals("ECOSYSTEM")) {
        s = scheme;
      } else {
        continue;
      }
      if (inRange(r.events(), version, s)) {
        return true;
      }
    }
    return false;
  }

  static boolean inRange(List<Event> events, String version, VersionScheme s) {
    Comparator<Event> order =
        (x, y) -> {
          boolean xz = x.kind().equals("introduced") && x.version().equals("0");
          boolean yz = y.kind().equals("introduced") && y.version().equals("0");
          if (xz || yz) {
            return xz && yz ? 0 : xz ? -1 : 1;
          }
          return s.compare(x.version(), y.version());
        };
    List<Event> sorted = events.stream().sorted(order).toList();
    boolean affected = false;
    for (Event e : sorted) {
      switch (e.kind()) {
        case "introduced" -> {
          if (e.version().equals("0") || s.compare(version, e.version()) >= 0) {
            affected = true;
          }
        }
        case "fixed", "limit" -> {
          if (s.compare(version, e.version()) >= 0) {
            affected = false;
          }
        }
        case "last_affected" -> {
          if (s.compare(version, e.version()) > 0) {
            affected = false;
          }
        }
        default -> {}
      }
    }
    return affected;
  }

  /** The fixed versions the ranges name (for messages). */
  public List<String> fixedVersions() {
    return affected.stream()
        .flatMap(a -> a.ranges().stream())
        .flatMap(r -> r.events().stream())
        .filter(e -> e.kind().equals("fixed"))
        .map(Event::version)
        .distinct()
        .sorted()
        .toList();
  }
}
