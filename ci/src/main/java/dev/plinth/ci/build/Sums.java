/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.build;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import dev.plinth.ci.publish.Oci;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code DIST/SHA256SUMS} in {@code sha256sum} format: every FILE artifact and every {@code
 * *.cdx.json} under the dist directory, sorted by path ({@code sha256sum -c SHA256SUMS} checks it).
 */
public final class Sums {

  public static final String FILE_NAME = "SHA256SUMS";

  private Sums() {}

  /** Writes {@code dist/SHA256SUMS}; returns path to hex. */
  public static Map<String, String> write(Path dist) throws IOException {
    Map<String, String> sums = compute(dist);
    StringBuilder sb = new StringBuilder();
    sums.forEach((p, h) -> sb.append(h).append("  ").append(p).append('\n'));
    Files.writeString(dist.resolve(FILE_NAME), sb.toString(), StandardCharsets.UTF_8);
    return sums;
  }

  /** What {@link #write} would write, path to hex. */
  public static Map<String, String> compute(Path dist) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    for (Artifact a : Inventory.read(dist).artifacts()) {
      if (a.kind() == Artifact.Kind.FILE) {
        sums.put(a.path(), hex(dist.resolve(a.path())));
      }
    }
    try (Stream<Path> s = Files.walk(dist)) {
      for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".cdx.json")).toList()) {
        sums.put(dist.relativize(p).toString().replace('\\', '/'), hex(p));
      }
    }
    return sums;
  }

  /** Reads a {@code sha256sum} file: path to hex. */
  public static Map<String, String> read(Path file) throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (l.isBlank()) {
        continue;
      }
      String[] p = l.split("\\s+", 2);
      m.put(p[1].replaceFirst("^\\*", ""), p[0]);
    }
    return m;
  }

  static String hex(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return Oci.sha256(in).substring("sha256:".length());
    }
  }
}
