/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.RepositoryName;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Every path under the registry's storage root. No other class builds a path in it. Names, tags and
 * digests are validated by their types' grammars before they reach here, and no grammar admits a
 * {@code /..} or a leading {@code _}, so repository directories never collide with the {@code
 * _}-prefixed metadata directories.
 *
 * <pre>
 * ROOT/
 * ├── blobs/sha256/ab/abcdef…          blob and manifest bytes, content-addressed, shared by all
 * ├── repositories/NAME/               NAME may have several components (tools/sgdisk)
 * │   ├── _manifests/sha256/HEX        a manifest in this repository; content: its media type
 * │   ├── _tags/TAG                    content: the digest; mtime: push time
 * │   ├── _layers/sha256/HEX           a blob linked into this repository (empty file)
 * │   └── _referrers/sha256/SUBJ/sha256-HEX   a referrer of SUBJ; content: its descriptor JSON
 * ├── uploads/UUID/                    an upload session (survives restarts)
 * │   ├── session.json                 repository, start time
 * │   └── data                         bytes received so far
 * └── tmp/                             staging for atomic writes
 * </pre>
 *
 * @param root the storage root
 */
public record RegistryLayout(Path root) {

  public RegistryLayout {
    root = root.toAbsolutePath().normalize();
  }

  public Path blobs() {
    return root.resolve("blobs");
  }

  public Path blob(Digest d) {
    return blobs().resolve(d.algorithm()).resolve(d.hex().substring(0, 2)).resolve(d.hex());
  }

  public Path repositories() {
    return root.resolve("repositories");
  }

  public Path repository(RepositoryName name) {
    return repositories().resolve(name.value());
  }

  public Path manifests(RepositoryName name) {
    return repository(name).resolve("_manifests");
  }

  public Path manifest(RepositoryName name, Digest d) {
    return manifests(name).resolve(d.algorithm()).resolve(d.hex());
  }

  public Path tags(RepositoryName name) {
    return repository(name).resolve("_tags");
  }

  public Path tag(RepositoryName name, String tag) {
    return tags(name).resolve(tag);
  }

  public Path layers(RepositoryName name) {
    return repository(name).resolve("_layers");
  }

  public Path layer(RepositoryName name, Digest d) {
    return layers(name).resolve(d.algorithm()).resolve(d.hex());
  }

  public Path referrers(RepositoryName name, Digest subject) {
    return repository(name)
        .resolve("_referrers")
        .resolve(subject.algorithm())
        .resolve(subject.hex());
  }

  public Path referrer(RepositoryName name, Digest subject, Digest referrer) {
    return referrers(name, subject).resolve(referrer.algorithm() + "-" + referrer.hex());
  }

  public Path uploads() {
    return root.resolve("uploads");
  }

  public Path upload(UUID id) {
    return uploads().resolve(id.toString());
  }

  public Path uploadData(UUID id) {
    return upload(id).resolve("data");
  }

  public Path uploadSession(UUID id) {
    return upload(id).resolve("session.json");
  }

  public Path tmp() {
    return root.resolve("tmp");
  }
}
