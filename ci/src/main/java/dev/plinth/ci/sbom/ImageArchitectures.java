/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The architectures of an image in an OCI archive (a tar of an OCI layout) or an OCI layout
 * directory: the platforms of its index, or its config's architecture.
 */
final class ImageArchitectures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageArchitectures() {}

  /** The architectures of the manifest or index {@code digest}, if the archive holds it. */
  static Optional<TreeSet<String>> of(Path archive, String digest) {
    try {
      Map<String, byte[]> blobs = smallBlobs(archive);
      JsonNode m = json(blobs.get(digest));
      if (m == null) {
        return Optional.empty();
      }
      TreeSet<String> out = new TreeSet<>();
      if (m.has("manifests")) {
        for (JsonNode d : m.get("manifests")) {
          String arch = d.path("platform").path("architecture").asText("");
          if (!arch.isEmpty() && !arch.equals("unknown")) {
            out.add(arch);
          }
        }
      } else {
        JsonNode config = json(blobs.get(m.path("config").path("digest").asText()));
        if (config != null && config.hasNonNull("architecture")) {
          out.add(config.get("architecture").asText());
        }
      }
      return out.isEmpty() ? Optional.empty() : Optional.of(out);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static JsonNode json(byte[] b) throws IOException {
    return b == null ? null : JSON.readTree(b);
  }

  /** Blobs under 1 MiB (manifests, indexes, configs) by digest. */
  private static Map<String, byte[]> smallBlobs(Path archive) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    if (Files.isDirectory(archive)) {
      Path dir = archive.resolve("blobs").resolve("sha256");
      try (var s = Files.list(dir)) {
        for (Path p : s.toList()) {
          if (Files.size(p) < (1 << 20)) {
            out.put("sha256:" + p.getFileName(), Files.readAllBytes(p));
          }
        }
      }
      return out;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String n = e.getName().replaceFirst("^\\./", "");
        if (e.isFile() && n.startsWith("blobs/sha256/") && e.getSize() < (1 << 20)) {
          out.put("sha256:" + n.substring("blobs/sha256/".length()), tar.readAllBytes());
        }
      }
    }
    return out;
  }
}
