/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.regex.Pattern;

/**
 * A reference to an image or artifact in Plinth's registry: {@code repository:tag}, {@code
 * repository@sha256:...} or both. {@link #toString()} is the wire form.
 */
public record ImageRef(String repository, String tag, String digest) {
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  /** Checks the parts; {@code tag} or {@code digest} may be null but not both. */
  public ImageRef {
    if (repository == null || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException("not a repository name: " + repository);
    }
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("a reference needs a tag or a digest: " + repository);
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("not a tag: " + tag);
    }
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
  }

  /** Parses the wire form; throws {@link IllegalArgumentException} when it is not one. */
  public static ImageRef parse(String text) {
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    return new ImageRef(rest, tag, digest);
  }

  /** This reference pinned to {@code pinned}, dropping the tag (pulls go by digest). */
  public ImageRef withDigest(String pinned) {
    return new ImageRef(repository, null, pinned);
  }

  /** Whether this reference already names a digest. */
  public boolean isPinned() {
    return digest != null;
  }

  @Override
  public String toString() {
    return repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
