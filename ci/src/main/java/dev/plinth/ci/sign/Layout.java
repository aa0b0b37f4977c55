/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Where the sign stage's files live in the dist directory (the release contract). */
public final class Layout {

  /** The checksum file the build stage writes. */
  public static final String SUMS = "SHA256SUMS";

  private Layout() {}

  /** {@code F.sigstore.json}: the message-signature bundle of {@code file}. */
  public static Path bundle(Path file) {
    return file.resolveSibling(file.getFileName() + ".sigstore.json");
  }

  /** The FILE artifact's bytes. */
  public static Path file(Path dist, Artifact a) {
    return dist.resolve(a.path());
  }

  /**
   * {@code name} with {@code /} replaced by {@code _}: images' file names in the dist directory.
   */
  public static String flat(Artifact a) {
    return a.name().replace('/', '_');
  }

  /**
   * The provenance bundle: {@code F.intoto.sigstore.json} beside a file, {@code
   * provenance/<name>.intoto.sigstore.json} for an image ({@code ci publish} attaches it).
   */
  public static Path provenance(Path dist, Artifact a) {
    if (a.kind() == Artifact.Kind.FILE) {
      Path f = file(dist, a);
      return f.resolveSibling(f.getFileName() + ".intoto.sigstore.json");
    }
    return dist.resolve("provenance").resolve(flat(a) + ".intoto.sigstore.json");
  }

  /** The SBOM of an artifact: {@code F.cdx.json}, or {@code sbom/<name>.cdx.json} for an image. */
  public static Path sbom(Path dist, Artifact a) {
    if (a.kind() == Artifact.Kind.FILE) {
      Path f = file(dist, a);
      return f.resolveSibling(f.getFileName() + ".cdx.json");
    }
    return dist.resolve("sbom").resolve(flat(a) + ".cdx.json");
  }

  /**
   * Every SBOM the sbom stage wrote: each artifact's that exists, and every {@code
   * sbom/*.cdx.json}.
   */
  public static List<Path> sboms(Path dist, Inventory inv) throws IOException {
    TreeSet<Path> out = new TreeSet<>();
    for (Artifact a : inv.artifacts()) {
      if (Files.isRegularFile(sbom(dist, a))) {
        out.add(sbom(dist, a));
      }
    }
    Path dir = dist.resolve("sbom");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().endsWith(".cdx.json")).forEach(out::add);
      }
    }
    return List.copyOf(out);
  }

  /** {@code p} relative to the dist directory, with forward slashes (how messages name files). */
  public static String label(Path dist, Path p) {
    return dist.relativize(p).toString().replace('\\', '/');
  }
}
