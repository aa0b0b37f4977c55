/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An OCI image layout directory. Blobs are staged under {@code .staging/} and renamed into place,
 * so a blob that exists is complete.
 *
 * <pre>
 * DIR/
 *   oci-layout                {"imageLayoutVersion":"1.0.0"}
 *   index.json                one entry per tag, annotated org.opencontainers.image.ref.name
 *   blobs/sha256/&lt;hex&gt;        layers, configs, manifests, indexes
 *   .staging/                 while writing only
 * </pre>
 */
public final class OciLayout {
  private static final byte[] OCI_LAYOUT =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
  private final Path dir;

  private OciLayout(Path dir) {
    this.dir = dir;
  }

  /** Creates (or reuses) a layout at {@code dir}. */
  public static OciLayout create(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.write(dir.resolve("oci-layout"), OCI_LAYOUT);
    return new OciLayout(dir);
  }

  /** Opens an existing layout; fails if {@code dir} is not one. */
  public static OciLayout open(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("oci-layout"))
        || !Files.isRegularFile(dir.resolve("index.json"))) {
      throw new IOException(dir + " is not an OCI image layout (no oci-layout or index.json)");
    }
    return new OciLayout(dir);
  }

  /** The layout's directory. */
  public Path dir() {
    return dir;
  }

  /** The file of a blob. */
  public Path blob(String digest) {
    return dir.resolve("blobs/sha256").resolve(Digests.hex(digest));
  }

  /** A fresh file to write a blob into before {@link #commit}. */
  public Path stage() throws IOException {
    Path staging = Files.createDirectories(dir.resolve(".staging"));
    return Files.createTempFile(staging, "blob-", ".part");
  }

  /** Moves a staged blob into place as {@code digest} (already computed while writing). */
  public void commit(Path staged, String digest) throws IOException {
    Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(
        staged, blob(digest), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Stores a small document and returns its descriptor. */
  public Descriptor put(String mediaType, byte[] bytes) throws IOException {
    String digest = Digests.of(bytes);
    Path staged = stage();
    Files.write(staged, bytes);
    commit(staged, digest);
    return new Descriptor(mediaType, digest, bytes.length);
  }

  /** Reads a blob as JSON. */
  public JsonNode json(String digest) throws IOException {
    return OciJson.parse(Files.readAllBytes(blob(digest)));
  }

  /** Writes index.json and removes the staging directory. */
  public void finish(List<OciJson.RefEntry> refs) throws IOException {
    Path tmp = dir.resolve("index.json.tmp");
    Files.write(tmp, OciJson.layoutIndex(refs));
    Files.move(
        tmp,
        dir.resolve("index.json"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Path staging = dir.resolve(".staging");
    if (Files.isDirectory(staging)) {
      try (Stream<Path> s = Files.list(staging)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(staging);
    }
  }

  /** The parsed index.json. */
  public JsonNode index() throws IOException {
    return OciJson.parse(Files.readAllBytes(dir.resolve("index.json")));
  }

  /**
   * Writes the layout as one deterministic tar (what {@code skopeo oci-archive:} and {@code plinth
   * registry import} read): oci-layout, index.json, then blobs, sorted, mode 0644/0755, owner 0:0.
   */
  public void bundle(Path tarFile, long epochSeconds) throws IOException {
    List<LayerEntry> entries = new ArrayList<>();
    entries.add(new LayerEntry.Dir("blobs", 0755));
    entries.add(new LayerEntry.Dir("blobs/sha256", 0755));
    try (Stream<Path> s = Files.list(dir.resolve("blobs/sha256"))) {
      for (Path p : s.sorted().toList()) {
        entries.add(file("blobs/sha256/" + p.getFileName(), p));
      }
    }
    entries.add(file("index.json", dir.resolve("index.json")));
    entries.add(file("oci-layout", dir.resolve("oci-layout")));
    Path tmp = tarFile.resolveSibling(tarFile.getFileName() + ".part");
    try (OutputStream out = Files.newOutputStream(tmp);
        TarArchiveOutputStream tar = LayerWriter.open(out)) {
      java.util.Map<String, Integer> fileModes = new java.util.HashMap<>();
      for (LayerEntry e : entries) {
        LayerWriter.writeEntry(tar, e, epochSeconds, fileModes);
      }
      tar.finish();
    }
    Files.move(tmp, tarFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static LayerEntry.File file(String name, Path p) throws IOException {
    return new LayerEntry.File(name, 0644, Files.size(p), () -> openFile(p));
  }

  private static InputStream openFile(Path p) throws IOException {
    return Files.newInputStream(p);
  }
}
