/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.transfer.Transfer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** OCI layout archives for the registry command tests, written and read back. */
final class RegistryLayouts {
  private RegistryLayouts() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** An archive's files: path in the tar to bytes. */
  record Archive(TreeMap<String, byte[]> files) {
    JsonNode index() throws IOException {
      return JSON.readTree(files.get("index.json"));
    }

    /** Every {@code blobs/sha256/HEX} as digests, each checked against its content. */
    TreeMap<String, Integer> blobs() {
      TreeMap<String, Integer> out = new TreeMap<>();
      files.forEach(
          (name, bytes) -> {
            if (name.startsWith("blobs/sha256/")) {
              String d = "sha256:" + name.substring("blobs/sha256/".length());
              if (!Digest.sha256(bytes).toString().equals(d)) {
                throw new AssertionError(name + " does not match its digest");
              }
              out.put(d, bytes.length);
            }
          });
      return out;
    }
  }

  static Archive read(Path tar) throws IOException {
    TreeMap<String, byte[]> files = new TreeMap<>();
    try (InputStream in = Files.newInputStream(tar);
        TarArchiveInputStream t = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        if (e.isFile()) {
          files.put(e.getName(), t.readAllBytes());
        }
      }
    }
    return new Archive(files);
  }

  /**
   * Writes an archive with one image {@code repo:tag} (a config, a small layer and a {@code
   * bigLayer}-byte layer, which the registry serves through its data plane above 1 MiB) and a
   * signature-like referrer of it; returns the image manifest's digest.
   */
  static String write(Path tar, String repo, String tag, int bigLayer, long seed)
      throws IOException {
    Random rnd = new Random(seed);
    byte[] big = new byte[bigLayer];
    rnd.nextBytes(big);
    byte[] small = ("hello " + seed).getBytes(StandardCharsets.UTF_8);
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":"
                + desc("application/vnd.oci.image.config.v1+json", config)
                + ",\"layers\":["
                + desc("application/vnd.oci.image.layer.v1.tar", small)
                + ","
                + desc("application/vnd.oci.image.layer.v1.tar", big)
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] sig = ("signature of " + Digest.sha256(manifest)).getBytes(StandardCharsets.UTF_8);
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] referrer =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                + "\"config\":"
                + desc("application/vnd.oci.empty.v1+json", empty)
                + ",\"layers\":["
                + desc("application/vnd.dev.sigstore.bundle.v0.3+json", sig)
                + "],\"subject\":"
                + desc("application/vnd.oci.image.manifest.v1+json", manifest)
                + "}")
            .getBytes(StandardCharsets.UTF_8);
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":["
            + entry(manifest, repo, tag)
            + ","
            + entry(referrer, repo, null)
            + "]}";
    try (OutputStream os = Files.newOutputStream(tar);
        TarArchiveOutputStream t = Transfer.tar(os)) {
      Transfer.tarBytes(t, "oci-layout", Transfer.ociLayout());
      Transfer.tarBytes(t, "index.json", index.getBytes(StandardCharsets.UTF_8));
      for (byte[] b : new byte[][] {config, small, big, manifest, sig, empty, referrer}) {
        Transfer.tarBytes(t, "blobs/sha256/" + Digest.sha256(b).hex(), b);
      }
      t.finish();
    }
    return Digest.sha256(manifest).toString();
  }

  private static String desc(String type, byte[] b) {
    return "{\"mediaType\":\""
        + type
        + "\",\"digest\":\""
        + Digest.sha256(b)
        + "\",\"size\":"
        + b.length
        + "}";
  }

  private static String entry(byte[] manifest, String repo, String tag) {
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
        + Digest.sha256(manifest)
        + "\",\"size\":"
        + manifest.length
        + ",\"annotations\":{\""
        + Transfer.REPOSITORY
        + "\":\""
        + repo
        + "\""
        + (tag == null ? "" : ",\"" + Transfer.REF_NAME + "\":\"" + tag + "\"")
        + "}}";
  }
}
