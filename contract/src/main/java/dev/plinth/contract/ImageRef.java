/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.util.regex.Pattern;

/**
 * An image pinned by digest: {@code host[:port]/repository@sha256:<64 hex>}. Tags are not allowed
 * in a task: the controller resolves them before it writes the task ISO.
 *
 * @param registry host and optional port, e.g. {@code plinth.example:8443}
 * @param repository OCI repository name, e.g. {@code plinth/tools/sgdisk}
 * @param digest {@code sha256:<64 lowercase hex>}
 */
public record ImageRef(String registry, String repository, String digest) {

  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9-]+)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  public ImageRef {
    if (!REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("bad registry host: " + registry);
    }
    if (!REPOSITORY.matcher(repository).matches() || repository.length() > 255) {
      throw new IllegalArgumentException("bad repository name: " + repository);
    }
    if (!DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("bad digest (want sha256:<64 lowercase hex>): " + digest);
    }
  }

  /** Parses the wire form; a tag or a missing registry host is an error. */
  public static ImageRef parse(String s) {
    int at = s.indexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException(
          "image is not pinned by digest (want host/repo@sha256:...): " + s);
    }
    String name = s.substring(0, at);
    int slash = name.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("image has no registry host: " + s);
    }
    String repo = name.substring(slash + 1);
    if (repo.lastIndexOf(':') > repo.lastIndexOf('/')) {
      throw new IllegalArgumentException("image carries a tag as well as a digest: " + s);
    }
    return new ImageRef(name.substring(0, slash), repo, s.substring(at + 1));
  }

  /**
   * The last path segment of the repository, e.g. {@code sgdisk} for {@code plinth/tools/sgdisk}.
   */
  public String shortName() {
    return repository.substring(repository.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return registry + "/" + repository + "@" + digest;
  }
}
