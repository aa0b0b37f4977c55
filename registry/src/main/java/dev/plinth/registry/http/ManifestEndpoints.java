/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.Reference;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.auth.Principal;
import dev.plinth.registry.storage.BlobStore;
import dev.plinth.registry.storage.Descriptor;
import dev.plinth.registry.storage.Manifest;
import dev.plinth.registry.storage.RepositoryStore;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** GET, HEAD, PUT and DELETE of manifests and tags. */
final class ManifestEndpoints {

  private final Backend b;

  ManifestEndpoints(Backend b) {
    this.b = b;
  }

  void get(Exchange x, Principal p, Route.Manifest r) {
    b.auth().require(p, r.name(), Action.PULL);
    if (r.reference() == null) {
      throw unknown();
    }
    Digest d = b.repos().resolve(r.name(), r.reference()).orElseThrow(ManifestEndpoints::unknown);
    String type = b.repos().manifestMediaType(r.name(), d).orElseThrow(ManifestEndpoints::unknown);
    byte[] bytes = b.blobs().read(d).orElseThrow(ManifestEndpoints::unknown);
    x.header(Exchange.DOCKER_CONTENT_DIGEST, d.toString())
        .header(HeaderNames.ETAG, "\"" + d + "\"");
    x.send(200, type, bytes);
  }

  void put(Exchange x, Principal p, Route.Manifest r) throws IOException {
    b.auth().require(p, r.name(), Action.PUSH);
    if (r.reference() == null) {
      throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag");
    }
    byte[] bytes = readLimited(x.body(), b.settings().maxManifestBytes());
    String contentType =
        x.header(HeaderNames.CONTENT_TYPE).map(ManifestEndpoints::bareType).orElse(null);
    Manifest m = Manifest.parse(bytes, contentType);
    Digest d =
        switch (r.reference()) {
          case Reference.ByDigest bd -> {
            Digest actual =
                Digest.of(bd.digest().newHasher().digest(bytes), bd.digest().algorithm());
            if (!actual.equals(bd.digest())) {
              throw new RegistryException(ErrorCode.DIGEST_INVALID);
            }
            yield actual;
          }
          case Reference.Tag t -> Digest.sha256(bytes);
        };
    RepositoryName repo = r.name();
    BlobStore.Pin pin = b.blobs().referencing();
    try {
      commit(x, repo, r.reference(), m, d, bytes);
    } finally {
      pin.close();
    }
  }

  private void commit(
      Exchange x, RepositoryName repo, Reference ref, Manifest m, Digest d, byte[] bytes)
      throws IOException {
    for (Digest blob : m.blobs()) {
      if (!b.repos().hasBlob(repo, blob) || !b.blobs().touch(blob)) {
        throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, "blob unknown: " + blob);
      }
    }
    for (Digest child : m.children()) {
      if (b.repos().manifestMediaType(repo, child).isEmpty() || !b.blobs().touch(child)) {
        throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, "manifest unknown: " + child);
      }
    }
    b.blobs().put(bytes, d);
    b.repos().putManifest(repo, d, m.mediaType());
    if (ref instanceof Reference.Tag t) {
      b.repos().tag(repo, t.value(), d);
    }
    if (m.subject() != null) {
      Descriptor desc =
          new Descriptor(
              m.mediaType(),
              d.toString(),
              bytes.length,
              m.artifactType(),
              m.annotations().isEmpty() ? null : m.annotations());
      b.repos().addReferrer(repo, m.subject(), d, desc);
      x.header(Exchange.OCI_SUBJECT, m.subject().toString());
    }
    x.header(HeaderNames.LOCATION, "/v2/" + repo + "/manifests/" + d);
    x.header(Exchange.DOCKER_CONTENT_DIGEST, d.toString());
    x.status(201);
  }

  void delete(Exchange x, Principal p, Route.Manifest r) {
    b.auth().require(p, r.name(), Action.DELETE);
    if (r.reference() == null) {
      throw unknown();
    }
    RepositoryName repo = r.name();
    switch (r.reference()) {
      case Reference.Tag t -> {
        if (!b.repos().deleteTag(repo, t.value())) {
          throw unknown();
        }
      }
      case Reference.ByDigest bd -> deleteManifest(b.repos(), b, repo, bd.digest());
    }
    x.status(202);
  }

  /** Deletes a manifest from a repository with its tags and its referrer entry. */
  static void deleteManifest(RepositoryStore repos, Backend b, RepositoryName repo, Digest d) {
    if (repos.manifestMediaType(repo, d).isEmpty()) {
      throw unknown();
    }
    Optional<byte[]> bytes = b.blobs().read(d);
    String type = repos.manifestMediaType(repo, d).orElse(null);
    for (RepositoryStore.TagInfo t : repos.tagInfos(repo)) {
      if (t.digest().equals(d)) {
        repos.deleteTag(repo, t.tag());
      }
    }
    if (bytes.isPresent()) {
      try {
        Manifest m = Manifest.parse(bytes.get(), type);
        if (m.subject() != null) {
          repos.removeReferrer(repo, m.subject(), d);
        }
      } catch (RegistryException e) {
        // stored bytes that no longer parse: nothing to unindex
      }
    }
    repos.deleteManifest(repo, d);
  }

  private static String bareType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
  }

  private static byte[] readLimited(InputStream in, long max) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (bytes.length > max) {
      throw new RegistryException(ErrorCode.SIZE_LIMIT, "manifest too large");
    }
    return bytes;
  }

  static RegistryException unknown() {
    return new RegistryException(ErrorCode.MANIFEST_UNKNOWN);
  }
}
