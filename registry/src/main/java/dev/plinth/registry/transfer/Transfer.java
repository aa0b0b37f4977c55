/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.Reference;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.storage.BlobInfo;
import dev.plinth.registry.storage.BlobStore;
import dev.plinth.registry.storage.Descriptor;
import dev.plinth.registry.storage.FsDriver;
import dev.plinth.registry.storage.Json;
import dev.plinth.registry.storage.Manifest;
import dev.plinth.registry.storage.MediaTypes;
import dev.plinth.registry.storage.RepositoryStore;
import dev.plinth.registry.storage.UploadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Import and export of OCI image layouts (a directory, or a tar of one as skopeo's {@code
 * oci-archive:} writes), referrers (signatures, SBOMs) included. Every blob is verified against its
 * digest on the way in.
 */
public final class Transfer {

  /** The annotation naming a tag in an image layout's index. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** Our annotation naming the repository of an exported index entry. */
  public static final String REPOSITORY = "dev.plinth.repository";

  private final BlobStore blobs;
  private final RepositoryStore repos;
  private final FsDriver driver;

  public Transfer(BlobStore blobs, RepositoryStore repos, FsDriver driver) {
    this.blobs = blobs;
    this.repos = repos;
    this.driver = driver;
  }

  /**
   * What an import stored: {@code repo:tag} or {@code repo@digest} per index entry; the distinct
   * blobs of those images (manifests included, as {@link ExportReport} counts them) and their
   * bytes.
   */
  public record ImportReport(List<String> imported, int blobs, long bytes) {}

  /** What an export wrote. */
  public record ExportReport(List<String> exported, int blobs, long bytes) {}

  /**
   * Imports an OCI layout.
   *
   * @param repository the repository to import into; null: the one each index entry names ({@code
   *     dev.plinth.repository}, or a full reference in {@code ref.name})
   */
  public ImportReport importLayout(Path source, RepositoryName repository, Progress progress)
      throws IOException {
    if (Files.isDirectory(source)) {
      return importDir(source, repository, progress);
    }
    Path dir = Files.createTempDirectory(driver.stage().getParent(), "import-");
    try {
      untar(source, dir);
      return importDir(dir, repository, progress);
    } finally {
      deleteTree(dir);
    }
  }

  private ImportReport importDir(Path dir, RepositoryName defaultRepo, Progress progress)
      throws IOException {
    if (!Files.isRegularFile(dir.resolve("oci-layout"))
        || !Files.isRegularFile(dir.resolve("index.json"))) {
      throw new IOException(dir + " is not an OCI image layout (no oci-layout or index.json)");
    }
    JsonNode index = Json.MAPPER.readTree(dir.resolve("index.json").toFile());
    long total = 0;
    try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
    }
    Importer imp = new Importer(dir, progress, total);
    List<String> out = new ArrayList<>();
    for (JsonNode entry : index.path("manifests")) {
      Target t = target(entry, defaultRepo);
      imp.manifest(t.repository(), t.digest(), t.mediaType());
      if (t.tag() != null) {
        repos.tag(t.repository(), t.tag(), t.digest());
      }
      out.add(t.toString());
    }
    return new ImportReport(out, imp.blobCount, imp.done);
  }

  /**
   * Where one entry of a layout's {@code index.json} goes: a repository, and a tag or none (then it
   * is imported by digest, as referrers are).
   */
  public record Target(RepositoryName repository, Digest digest, String mediaType, String tag) {
    /** {@code repo:tag}, or {@code repo@digest} without a tag. */
    @Override
    public String toString() {
      return tag != null ? repository + ":" + tag : repository + "@" + digest;
    }
  }

  /**
   * Reads an index entry as import does: the repository is {@code defaultRepo}, else our {@code
   * dev.plinth.repository} annotation, else the name in a full {@code ref.name} (skopeo's {@code
   * oci-archive:FILE:NAME:TAG}), its registry host stripped.
   */
  public static Target target(JsonNode entry, RepositoryName defaultRepo) throws IOException {
    String refName = entry.path("annotations").path(REF_NAME).asText(null);
    String repoText = entry.path("annotations").path(REPOSITORY).asText(null);
    String tag = refName;
    if (refName != null
        && repoText == null
        && refName.lastIndexOf(':') > refName.lastIndexOf('/')) {
      int colon = refName.lastIndexOf(':');
      repoText = stripRegistry(refName.substring(0, colon));
      tag = refName.substring(colon + 1);
    }
    RepositoryName repo =
        defaultRepo != null
            ? defaultRepo
            : repoText != null ? RepositoryName.parse(repoText) : null;
    if (repo == null) {
      throw new IOException(
          "index entry " + entry.path("digest").asText() + " names no repository: pass one");
    }
    Digest d = Digest.parse(entry.path("digest").asText());
    return new Target(
        repo,
        d,
        entry.path("mediaType").asText(null),
        tag != null && Reference.Tag.isValid(tag) ? tag : null);
  }

  private static String stripRegistry(String name) {
    int slash = name.indexOf('/');
    if (slash > 0) {
      String first = name.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return name.substring(slash + 1);
      }
    }
    return name;
  }

  /** Copies blobs and manifests of one layout into the store, children first. */
  private final class Importer {
    final Path dir;
    final Progress progress;
    final long total;
    final Set<String> seen = new LinkedHashSet<>();
    final Set<Digest> counted = new java.util.HashSet<>();
    long done;
    int blobCount;

    Importer(Path dir, Progress progress, long total) {
      this.dir = dir;
      this.progress = progress;
      this.total = total;
    }

    /**
     * Counts each distinct blob once, manifests and blobs already stored included, as {@code
     * export} counts them: the report and the progress say how much the images are.
     */
    void counted(Digest d, long size) {
      if (counted.add(d)) {
        done += size;
        blobCount++;
        progress.update(done, total);
      }
    }

    Path file(Digest d) {
      return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    void blob(RepositoryName repo, Digest d) throws IOException {
      if (seen.add(repo + "@" + d)) {
        if (blobs.stat(d).isEmpty()) {
          Path src = file(d);
          if (!Files.isRegularFile(src)) {
            throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "layout lacks blob " + d);
          }
          Path staged = driver.stage();
          Files.copy(src, staged, StandardCopyOption.REPLACE_EXISTING);
          if (!UploadStore.hash(staged, d.algorithm()).equals(d)) {
            Files.deleteIfExists(staged);
            throw new RegistryException(
                ErrorCode.DIGEST_INVALID, "blob " + d + " does not match its digest");
          }
          blobs.commit(staged, d);
        } else {
          blobs.touch(d);
        }
        counted(d, blobs.require(d).size());
        repos.linkBlob(repo, d);
      }
    }

    void manifest(RepositoryName repo, Digest d, String mediaType) throws IOException {
      if (!seen.add(repo + "#" + d)) {
        return;
      }
      Path src = file(d);
      if (!Files.isRegularFile(src)) {
        throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, "layout lacks manifest " + d);
      }
      byte[] bytes = Files.readAllBytes(src);
      if (!Digest.of(d.newHasher().digest(bytes), d.algorithm()).equals(d)) {
        throw new RegistryException(
            ErrorCode.DIGEST_INVALID, "manifest " + d + " does not match its digest");
      }
      Manifest m = Manifest.parse(bytes, mediaType);
      for (Digest c : m.children()) {
        manifest(repo, c, null);
      }
      for (Digest b : m.blobs()) {
        blob(repo, b);
      }
      blobs.put(bytes, d);
      counted(d, bytes.length);
      repos.putManifest(repo, d, m.mediaType());
      if (m.subject() != null) {
        repos.addReferrer(
            repo,
            m.subject(),
            d,
            new Descriptor(
                m.mediaType(),
                d.toString(),
                bytes.length,
                m.artifactType(),
                m.annotations().isEmpty() ? null : m.annotations()));
      }
    }
  }

  /**
   * Exports {@code references} ({@code repo:tag} or {@code repo@digest}) with everything they
   * reference and their referrers, as a layout directory, or a tar when {@code out} ends in {@code
   * .tar}.
   */
  public ExportReport export(List<String> references, Path out, Progress progress)
      throws IOException {
    Map<Digest, String> manifestTypes = new LinkedHashMap<>();
    Set<Digest> blobSet = new LinkedHashSet<>();
    ArrayNode entries = Json.MAPPER.createArrayNode();
    List<String> exported = new ArrayList<>();
    for (String ref : references) {
      int at = ref.indexOf('@');
      int colon = ref.lastIndexOf(':');
      RepositoryName repo;
      Reference r;
      if (at > 0) {
        repo = RepositoryName.parse(ref.substring(0, at));
        r = Reference.parse(ref.substring(at + 1));
      } else if (colon > ref.lastIndexOf('/')) {
        repo = RepositoryName.parse(ref.substring(0, colon));
        r = Reference.parse(ref.substring(colon + 1));
      } else {
        repo = RepositoryName.parse(ref);
        r = new Reference.Tag("latest");
      }
      Digest d =
          repos
              .resolve(repo, r)
              .orElseThrow(
                  () -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "unknown: " + ref));
      String type =
          repos
              .manifestMediaType(repo, d)
              .orElseThrow(
                  () -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "unknown: " + ref));
      collect(repo, d, manifestTypes, blobSet);
      entries.add(entry(d, type, repo, r instanceof Reference.Tag t ? t.value() : null));
      exported.add(ref);
      for (Digest referrer : referrersOf(repo, d, manifestTypes)) {
        if (!manifestTypes.containsKey(referrer)) {
          collect(repo, referrer, manifestTypes, blobSet);
        }
        entries.add(entry(referrer, manifestTypes.get(referrer), repo, null));
      }
    }
    List<Digest> all = new ArrayList<>(blobSet);
    all.addAll(manifestTypes.keySet());
    long total = 0;
    for (Digest d : all) {
      total += blobs.require(d).size();
    }
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.set("manifests", entries);
    byte[] indexBytes = Json.MAPPER.writeValueAsBytes(index);
    byte[] layoutBytes = ociLayout();
    long done = 0;
    if (out.getFileName().toString().endsWith(".tar")) {
      Path staged = out.resolveSibling(out.getFileName() + ".part");
      try (OutputStream os = Files.newOutputStream(staged);
          TarArchiveOutputStream tar = tar(os)) {
        tarBytes(tar, "oci-layout", layoutBytes);
        tarBytes(tar, "index.json", indexBytes);
        for (Digest d : all) {
          BlobInfo info = blobs.require(d);
          entry(tar, "blobs/" + d.algorithm() + "/" + d.hex(), info.size());
          Files.copy(info.path(), tar);
          tar.closeArchiveEntry();
          done += info.size();
          progress.update(done, total);
        }
        tar.finish();
      }
      Files.move(staged, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.createDirectories(out);
      for (Digest d : all) {
        BlobInfo info = blobs.require(d);
        Path target = out.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
        Files.createDirectories(target.getParent());
        Files.copy(info.path(), target, StandardCopyOption.REPLACE_EXISTING);
        done += info.size();
        progress.update(done, total);
      }
      Files.write(out.resolve("oci-layout"), layoutBytes);
      Files.write(out.resolve("index.json"), indexBytes);
    }
    return new ExportReport(exported, all.size(), total);
  }

  private ObjectNode entry(Digest d, String type, RepositoryName repo, String tag) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("mediaType", type);
    e.put("digest", d.toString());
    e.put("size", blobs.require(d).size());
    ObjectNode ann = e.putObject("annotations");
    ann.put(REPOSITORY, repo.value());
    if (tag != null) {
      ann.put(REF_NAME, tag);
    }
    return e;
  }

  private void collect(
      RepositoryName repo, Digest d, Map<Digest, String> types, Set<Digest> blobSet) {
    if (types.containsKey(d)) {
      return;
    }
    String type =
        repos
            .manifestMediaType(repo, d)
            .orElseThrow(
                () -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "missing manifest " + d));
    types.put(d, type);
    Manifest m =
        Manifest.parse(
            blobs
                .read(d)
                .orElseThrow(
                    () -> new RegistryException(ErrorCode.BLOB_UNKNOWN, "missing blob " + d)),
            type);
    blobSet.addAll(m.blobs());
    for (Digest c : m.children()) {
      collect(repo, c, types, blobSet);
    }
  }

  /** Referrers of {@code d} and of its children, transitively. */
  private List<Digest> referrersOf(RepositoryName repo, Digest d, Map<Digest, String> types) {
    List<Digest> out = new ArrayList<>();
    List<Digest> todo = new ArrayList<>(List.of(d));
    Set<Digest> seen = new LinkedHashSet<>();
    while (!todo.isEmpty()) {
      Digest x = todo.remove(0);
      if (!seen.add(x)) {
        continue;
      }
      Optional<String> type = repos.manifestMediaType(repo, x);
      if (type.isPresent()) {
        blobs.read(x).ifPresent(b -> todo.addAll(Manifest.parse(b, type.get()).children()));
      }
      for (Descriptor r : repos.referrers(repo, x)) {
        Digest rd = Digest.parse(r.digest());
        if (repos.manifestMediaType(repo, rd).isPresent()) {
          out.add(rd);
          todo.add(rd);
        }
      }
    }
    out.removeIf(types::containsKey);
    return out;
  }

  /** The {@code oci-layout} file of every layout written here. */
  public static byte[] ociLayout() {
    return "{\"imageLayoutVersion\":\"1.0.0\"}"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** A tar as export writes it (POSIX long names and sizes), over {@code os}. */
  public static TarArchiveOutputStream tar(OutputStream os) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(os);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return tar;
  }

  /** Starts a file entry as export writes them: mode 0644, mtime 0 (reproducible). */
  public static void entry(TarArchiveOutputStream tar, String name, long size) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(size);
    e.setModTime(0);
    e.setMode(0100644);
    tar.putArchiveEntry(e);
  }

  /** Writes a whole small file entry. */
  public static void tarBytes(TarArchiveOutputStream tar, String name, byte[] bytes)
      throws IOException {
    entry(tar, name, bytes.length);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  /** Unpacks a layout tar into {@code dir}; entries that would land outside it are refused. */
  public static void untar(Path tarFile, Path dir) throws IOException {
    try (InputStream in = Files.newInputStream(tarFile);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path target = dir.resolve(e.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("tar entry outside the layout: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Deletes {@code dir} and everything under it. */
  public static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
