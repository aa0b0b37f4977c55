/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.ci.artifact.Artifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the components of an artifact's SBOM, for the gates. */
public final class SbomComponents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SbomComponents() {}

  /**
   * One component as the gates see it.
   *
   * @param ref bom-ref
   * @param name name (group:name for Maven)
   * @param version version or null
   * @param purl purl or null
   * @param licence SPDX expression; {@code NOASSERTION} when none is recorded; several license
   *     entries are joined with AND
   */
  public record Entry(String ref, String name, String version, String purl, String licence) {
    /** The purl without version and qualifiers (what exceptions name), else the name. */
    public String key() {
      if (purl == null) {
        return name;
      }
      String p = purl;
      int q = p.indexOf('?');
      if (q >= 0) {
        p = p.substring(0, q);
      }
      int at = p.lastIndexOf('@');
      return at > 0 ? p.substring(0, at) : p;
    }
  }

  /** The components of {@code artifact}'s SBOM (nested ones too); fails if it is missing. */
  public static List<Entry> read(Path dist, Artifact artifact) {
    Path f = SbomFiles.of(dist, artifact);
    if (!Files.isRegularFile(f)) {
      throw new IllegalStateException(
          artifact.name() + ": no SBOM at " + f + " (run ci sbom first)");
    }
    JsonNode root;
    try {
      root = JSON.readTree(f.toFile());
    } catch (IOException e) {
      throw new IllegalStateException(artifact.name() + ": SBOM " + f + " is not JSON", e);
    }
    List<Entry> out = new ArrayList<>();
    collect(root.path("components"), out);
    return out;
  }

  private static void collect(JsonNode components, List<Entry> out) {
    for (JsonNode c : components) {
      String group = c.path("group").asText("");
      String name = (group.isEmpty() ? "" : group + ":") + c.path("name").asText();
      List<String> ls = new ArrayList<>();
      for (JsonNode l : c.path("licenses")) {
        if (l.hasNonNull("expression")) {
          ls.add(wrap(l.get("expression").asText()));
        } else if (l.path("license").hasNonNull("id")) {
          ls.add(l.path("license").get("id").asText());
        } else if (l.path("license").hasNonNull("name")) {
          ls.add(l.path("license").get("name").asText().strip().replaceAll("\\s+", "-"));
        }
      }
      String licence = ls.isEmpty() ? SbomGenerator.NOASSERTION : String.join(" AND ", ls);
      out.add(
          new Entry(
              c.path("bom-ref").asText(name),
              name,
              c.hasNonNull("version") ? c.get("version").asText() : null,
              c.hasNonNull("purl") ? c.get("purl").asText() : null,
              licence));
      collect(c.path("components"), out);
    }
  }

  private static String wrap(String e) {
    return e.contains(" ") ? "(" + e + ")" : e;
  }
}
