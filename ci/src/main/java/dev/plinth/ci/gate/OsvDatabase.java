/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * An offline OSV advisory database: a JSON file (one advisory, an array of them, or {@code
 * {"vulns": [...]}}), a zip of such files (osv.dev's {@code <ecosystem>/all.zip}), or a directory
 * holding any of those (read recursively, in name order).
 */
public final class OsvDatabase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<OsvAdvisory> advisories;

  public OsvDatabase(List<OsvAdvisory> advisories) {
    this.advisories = advisories.stream().sorted(Comparator.comparing(OsvAdvisory::id)).toList();
  }

  /** Loads a file, zip or directory. */
  public static OsvDatabase load(Path source) {
    List<OsvAdvisory> out = new ArrayList<>();
    try {
      if (Files.isDirectory(source)) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(source)) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          String n = f.getFileName().toString();
          if (n.endsWith(".json") || n.endsWith(".zip")) {
            readFile(f, out);
          }
        }
      } else if (Files.isRegularFile(source)) {
        readFile(source, out);
      } else {
        throw new IllegalArgumentException("advisory database not found: " + source);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read advisory database " + source, e);
    }
    return new OsvDatabase(out);
  }

  private static void readFile(Path f, List<OsvAdvisory> out) throws IOException {
    if (f.getFileName().toString().endsWith(".zip")) {
      try (ZipInputStream z = new ZipInputStream(Files.newInputStream(f))) {
        for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
          if (!e.isDirectory() && e.getName().endsWith(".json")) {
            readJson(z.readAllBytes(), f + "!" + e.getName(), out);
          }
        }
      }
    } else {
      try (InputStream in = Files.newInputStream(f)) {
        readJson(in.readAllBytes(), f.toString(), out);
      }
    }
  }

  private static void readJson(byte[] bytes, String where, List<OsvAdvisory> out) {
    JsonNode n;
    try {
      n = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage(), e);
    }
    if (n.isObject() && n.has("vulns")) {
      n = n.get("vulns");
    }
    try {
      if (n.isArray()) {
        for (JsonNode a : n) {
          out.add(OsvAdvisory.of(a));
        }
      } else {
        out.add(OsvAdvisory.of(n));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** Every advisory, sorted by id. */
  public List<OsvAdvisory> advisories() {
    return advisories;
  }

  /**
   * A match: the advisory affecting the component.
   *
   * @param advisory the advisory
   * @param affected the entry that matched
   */
  public record Match(OsvAdvisory advisory, OsvAdvisory.Affected affected) {}

  /**
   * The advisories affecting a component identified by its purl ({@code pkg:maven/...} or {@code
   * pkg:deb/debian/...}; a deb's {@code upstream} qualifier, its source package, is matched too, as
   * Debian's advisories name source packages). Other purl types match nothing.
   */
  public List<Match> matches(String purl) {
    PackageURL p;
    try {
      p = new PackageURL(purl);
    } catch (MalformedPackageURLException e) {
      return List.of();
    }
    if (p.getVersion() == null) {
      return List.of();
    }
    Optional<VersionScheme> scheme =
        switch (p.getType()) {
          case "maven" -> Optional.of(VersionScheme.MAVEN);
          case "deb" -> Optional.of(VersionScheme.DEBIAN);
          default -> Optional.empty();
        };
    if (scheme.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    if (p.getType().equals("maven")) {
      names.add(p.getNamespace() + ":" + p.getName());
    } else {
      names.add(p.getName());
      if (p.getQualifiers() != null && p.getQualifiers().containsKey("upstream")) {
        names.add(p.getQualifiers().get("upstream"));
      }
    }
    List<Match> out = new ArrayList<>();
    for (OsvAdvisory adv : advisories) {
      for (OsvAdvisory.Affected a : adv.affected()) {
        if (sameEcosystem(p, a)
            && (names.contains(a.name()) || samePurl(p, a.purl()))
            && OsvAdvisory.affects(a, p.getVersion(), scheme.get())) {
          out.add(new Match(adv, a));
          break;
        }
      }
    }
    return out;
  }

  private static boolean sameEcosystem(PackageURL p, OsvAdvisory.Affected a) {
    if (a.purl() != null && samePurl(p, a.purl())) {
      return true;
    }
    String e = a.ecosystem().toLowerCase(Locale.ROOT);
    return switch (p.getType()) {
      case "maven" -> e.equals("maven");
      case "deb" -> e.equals("debian") || e.startsWith("debian:");
      default -> false;
    };
  }

  private static boolean samePurl(PackageURL p, String other) {
    if (other == null) {
      return false;
    }
    try {
      PackageURL o = new PackageURL(other);
      return o.getType().equals(p.getType())
          && java.util.Objects.equals(o.getNamespace(), p.getNamespace())
          && o.getName().equals(p.getName());
    } catch (MalformedPackageURLException e) {
      return false;
    }
  }
}
