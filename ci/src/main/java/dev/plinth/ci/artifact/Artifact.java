/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One deliverable of a release.
 *
 * <p>A {@link Kind#FILE} lives in the dist directory at {@code path} (relative, forward slashes).
 * An {@link Kind#IMAGE} is an OCI image: {@code path} is the OCI archive it was built into
 * (relative to the dist directory, may hold several images), {@code repository} its repository name
 * without a registry host (for example {@code plinth/tools/sgdisk}), {@code tag} the tag it was
 * built with. For both, {@code digest} is {@code sha256:<hex>}: of the file's bytes, or of the
 * image manifest.
 *
 * @param name stable, unique name used in messages and file names (for example {@code
 *     controller-tarball}, {@code tools/sgdisk})
 * @param kind file or image
 * @param path the file, or the archive that holds the image
 * @param repository image repository (images only)
 * @param tag image tag at build (images only)
 * @param digest {@code sha256:<hex>}
 * @param size bytes of the file or of the manifest
 * @param mediaType the file's or manifest's media type
 * @param channelScoped false for CI-only artifacts that are never promoted ({@code ci-only/})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Artifact(
    String name,
    Kind kind,
    String path,
    String repository,
    String tag,
    String digest,
    long size,
    String mediaType,
    boolean channelScoped) {

  /** File or OCI image. */
  public enum Kind {
    FILE,
    IMAGE
  }

  public Artifact {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(digest, "digest");
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException(name + ": digest is not sha256:<64 hex>: " + digest);
    }
    if (kind == Kind.IMAGE && repository == null) {
      throw new IllegalArgumentException(name + ": an image needs a repository");
    }
  }

  /** The hex part of {@link #digest()}. */
  public String hex() {
    return digest.substring("sha256:".length());
  }
}
