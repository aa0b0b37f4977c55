/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies an image (index, manifests, config and layers) from a {@link Content} to a registry
 * repository, byte for byte, so the digests stay the same; and pulls an image back by digest,
 * checking every byte.
 */
public final class Copier {

  private Copier() {}

  /** Copies the manifest {@code digest} and everything under it; returns every manifest copied. */
  public static List<String> copy(Content from, RegistryClient to, String repo, String digest)
      throws IOException {
    List<String> done = new ArrayList<>();
    copy(from, to, repo, digest, done);
    return done;
  }

  private static void copy(
      Content from, RegistryClient to, String repo, String digest, List<String> done)
      throws IOException {
    RegistryClient.Manifest m = from.manifest(digest);
    JsonNode j = m.json();
    if (Oci.isIndex(m.mediaType(), j)) {
      for (JsonNode child : j.path("manifests")) {
        copy(from, to, repo, child.path("digest").asText(), done);
      }
    } else {
      List<JsonNode> blobs = new ArrayList<>();
      if (j.has("config")) {
        blobs.add(j.get("config"));
      }
      j.path("layers").forEach(blobs::add);
      for (JsonNode b : blobs) {
        String d = b.path("digest").asText();
        to.pushBlob(
            repo,
            d,
            b.path("size").asLong(),
            () -> {
              try {
                return from.blob(d);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
      }
    }
    to.putManifest(repo, digest, m.bytes(), m.mediaType());
    done.add(digest);
  }

  /**
   * Pulls {@code repo@digest} and every manifest and blob under it, checking each against its
   * digest; returns the bytes read.
   */
  public static long pullByDigest(RegistryClient registry, String repo, String digest)
      throws IOException {
    RegistryClient.Manifest m =
        registry
            .manifest(repo, digest)
            .orElseThrow(
                () -> new IOException(registry.host() + "/" + repo + "@" + digest + ": not found"));
    if (!m.digest().equals(digest)) {
      throw new IOException(repo + "@" + digest + ": manifest bytes have digest " + m.digest());
    }
    long total = m.bytes().length;
    JsonNode j = m.json();
    if (Oci.isIndex(m.mediaType(), j)) {
      for (JsonNode child : j.path("manifests")) {
        total += pullByDigest(registry, repo, child.path("digest").asText());
      }
      return total;
    }
    List<JsonNode> blobs = new ArrayList<>();
    if (j.has("config")) {
      blobs.add(j.get("config"));
    }
    j.path("layers").forEach(blobs::add);
    for (JsonNode b : blobs) {
      String d = b.path("digest").asText();
      try (InputStream in = registry.blob(repo, d)) {
        CountingDigest c = new CountingDigest(in);
        if (!c.digest.equals(d)) {
          throw new IOException(repo + "@" + digest + ": blob " + d + " has digest " + c.digest);
        }
        total += c.size;
      }
    }
    return total;
  }

  private static final class CountingDigest {
    final String digest;
    final long size;

    CountingDigest(InputStream in) throws IOException {
      long[] n = {0};
      InputStream counting =
          new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int r = super.read(b, off, len);
              if (r > 0) {
                n[0] += r;
              }
              return r;
            }
          };
      this.digest = Oci.sha256(counting);
      this.size = n[0];
    }
  }
}
