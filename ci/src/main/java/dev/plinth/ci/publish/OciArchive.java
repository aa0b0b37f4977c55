/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * An OCI image layout packed as a tar ({@code oci-archive:}), read in place: {@code index.json} and
 * {@code blobs/sha256/*}.
 */
public final class OciArchive implements Content, AutoCloseable {

  private final Path file;
  private final TarFile tar;
  private final Map<String, TarArchiveEntry> blobs = new HashMap<>();
  private final JsonNode index;

  /** One entry of {@code index.json}. */
  public record Ref(String name, String mediaType, String digest, long size) {}

  public OciArchive(Path file) throws IOException {
    this.file = file;
    this.tar = new TarFile(file);
    JsonNode idx = null;
    for (TarArchiveEntry e : tar.getEntries()) {
      String n = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
      if (n.equals("index.json")) {
        try (InputStream in = tar.getInputStream(e)) {
          idx = RegistryClient.JSON.readTree(in);
        }
      } else if (n.startsWith("blobs/sha256/") && e.isFile()) {
        blobs.put("sha256:" + n.substring("blobs/sha256/".length()), e);
      }
    }
    if (idx == null) {
      tar.close();
      throw new IOException(file + ": no index.json (not an OCI archive)");
    }
    this.index = idx;
  }

  /** The entries of {@code index.json}, in order. */
  public List<Ref> refs() {
    List<Ref> refs = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      refs.add(
          new Ref(
              m.path("annotations").path(Oci.REF_NAME).asText(null),
              m.path("mediaType").asText(),
              m.path("digest").asText(),
              m.path("size").asLong()));
    }
    return refs;
  }

  @Override
  public RegistryClient.Manifest manifest(String digest) throws IOException {
    byte[] b;
    try (InputStream in = blob(digest)) {
      b = in.readAllBytes();
    }
    if (!Oci.sha256(b).equals(digest)) {
      throw new IOException(file + ": blob " + digest + " does not match its digest");
    }
    JsonNode j = RegistryClient.JSON.readTree(b);
    return new RegistryClient.Manifest(b, Oci.mediaType(j, Oci.MANIFEST), digest);
  }

  @Override
  public InputStream blob(String digest) throws IOException {
    TarArchiveEntry e = blobs.get(digest);
    if (e == null) {
      throw new IOException(file + ": no blob " + digest);
    }
    return tar.getInputStream(e);
  }

  @Override
  public String describe() {
    return file.toString();
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
