/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.Reference;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Per-repository metadata: which manifests and blobs a repository holds, its tags and its
 * referrers. Each fact is one small file written atomically, so concurrent writers never see a
 * half-written index and readers take no lock.
 */
public final class RepositoryStore {

  private static final byte[] EMPTY = new byte[0];

  private final RegistryLayout layout;
  private final FsDriver driver;

  public RepositoryStore(RegistryLayout layout, FsDriver driver) {
    this.layout = layout;
    this.driver = driver;
  }

  /** A tag and what it points at. */
  public record TagInfo(String tag, Digest digest, Instant pushed) {}

  public boolean exists(RepositoryName repo) {
    return Files.isDirectory(layout.repository(repo));
  }

  public void linkBlob(RepositoryName repo, Digest d) throws IOException {
    Path p = layout.layer(repo, d);
    if (!driver.touch(p)) {
      driver.write(p, EMPTY);
    }
  }

  public boolean hasBlob(RepositoryName repo, Digest d) {
    return Files.exists(layout.layer(repo, d)) || Files.exists(layout.manifest(repo, d));
  }

  public boolean unlinkBlob(RepositoryName repo, Digest d) {
    return driver.delete(layout.layer(repo, d));
  }

  public List<Digest> blobs(RepositoryName repo) {
    return digestsUnder(layout.layers(repo));
  }

  public void putManifest(RepositoryName repo, Digest d, String mediaType) throws IOException {
    driver.write(layout.manifest(repo, d), mediaType.getBytes(StandardCharsets.UTF_8));
  }

  /** The media type the manifest was pushed with, or empty when the repository lacks it. */
  public Optional<String> manifestMediaType(RepositoryName repo, Digest d) {
    return driver.read(layout.manifest(repo, d)).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** When the manifest was pushed to this repository, or empty. */
  public Optional<Instant> manifestPushed(RepositoryName repo, Digest d) {
    return mtime(layout.manifest(repo, d));
  }

  public boolean deleteManifest(RepositoryName repo, Digest d) {
    return driver.delete(layout.manifest(repo, d));
  }

  public List<Digest> manifests(RepositoryName repo) {
    return digestsUnder(layout.manifests(repo));
  }

  public void tag(RepositoryName repo, String tag, Digest d) throws IOException {
    driver.write(layout.tag(repo, tag), d.toString().getBytes(StandardCharsets.US_ASCII));
  }

  public Optional<Digest> resolveTag(RepositoryName repo, String tag) {
    return driver
        .read(layout.tag(repo, tag))
        .map(b -> Digest.parse(new String(b, StandardCharsets.US_ASCII).strip()));
  }

  /** Resolves a reference to a digest (a digest resolves to itself). */
  public Optional<Digest> resolve(RepositoryName repo, Reference ref) {
    return switch (ref) {
      case Reference.Tag t -> resolveTag(repo, t.value());
      case Reference.ByDigest b -> Optional.of(b.digest());
    };
  }

  public boolean deleteTag(RepositoryName repo, String tag) {
    return driver.delete(layout.tag(repo, tag));
  }

  /** Tags in lexical order. */
  public List<String> tags(RepositoryName repo) {
    List<String> out = new ArrayList<>();
    for (String t : driver.list(layout.tags(repo))) {
      if (Reference.Tag.isValid(t)) {
        out.add(t);
      }
    }
    out.sort(null);
    return out;
  }

  /** Tags with their digests and push times (unreadable ones are skipped). */
  public List<TagInfo> tagInfos(RepositoryName repo) {
    List<TagInfo> out = new ArrayList<>();
    for (String t : tags(repo)) {
      Optional<Digest> d = resolveTagQuietly(repo, t);
      Optional<Instant> m = mtime(layout.tag(repo, t));
      if (d.isPresent() && m.isPresent()) {
        out.add(new TagInfo(t, d.get(), m.get()));
      }
    }
    return out;
  }

  private Optional<Digest> resolveTagQuietly(RepositoryName repo, String t) {
    try {
      return resolveTag(repo, t);
    } catch (RegistryException e) {
      return Optional.empty();
    }
  }

  public void addReferrer(RepositoryName repo, Digest subject, Digest referrer, Descriptor desc)
      throws IOException {
    driver.write(layout.referrer(repo, subject, referrer), Json.MAPPER.writeValueAsBytes(desc));
  }

  public void removeReferrer(RepositoryName repo, Digest subject, Digest referrer) {
    driver.delete(layout.referrer(repo, subject, referrer));
  }

  /** Descriptors of the manifests whose subject is {@code subject}, ordered by digest. */
  public List<Descriptor> referrers(RepositoryName repo, Digest subject) {
    Path dir = layout.referrers(repo, subject);
    List<String> names = new ArrayList<>(driver.list(dir));
    names.sort(null);
    List<Descriptor> out = new ArrayList<>();
    for (String n : names) {
      Optional<byte[]> b = driver.read(dir.resolve(n));
      if (b.isPresent()) {
        try {
          out.add(Json.MAPPER.readValue(b.get(), Descriptor.class));
        } catch (IOException e) {
          // a torn file cannot exist (atomic writes); skip anything foreign
        }
      }
    }
    return out;
  }

  /** Every repository, in lexical order. */
  public List<RepositoryName> repositories() {
    TreeSet<RepositoryName> out = new TreeSet<>();
    Path root = layout.repositories();
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(
              p ->
                  p.getFileName().toString().equals("_manifests")
                      || p.getFileName().toString().equals("_layers"))
          .forEach(
              p -> {
                String name = root.relativize(p.getParent()).toString();
                try {
                  out.add(RepositoryName.parse(name));
                } catch (RegistryException e) {
                  // not a repository
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ArrayList<>(out);
  }

  private List<Digest> digestsUnder(Path dir) {
    List<Digest> out = new ArrayList<>();
    for (String alg : driver.list(dir)) {
      for (String hex : driver.list(dir.resolve(alg))) {
        try {
          out.add(new Digest(alg, hex));
        } catch (RegistryException e) {
          // not ours
        }
      }
    }
    return out;
  }

  private static Optional<Instant> mtime(Path p) {
    try {
      return Optional.of(Files.getLastModifiedTime(p).toInstant());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
