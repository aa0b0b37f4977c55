/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

import java.util.regex.Pattern;

/** What a manifest URL names: a tag or a digest. */
public sealed interface Reference permits Reference.Tag, Reference.ByDigest {

  /** Parses a tag or a digest (anything with a {@code :} must be a digest). */
  static Reference parse(String s) {
    if (s != null && s.indexOf(':') >= 0) {
      return new ByDigest(Digest.parse(s));
    }
    return new Tag(s);
  }

  /**
   * A tag, {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}.
   *
   * @param value the tag
   */
  record Tag(String value) implements Reference {
    private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public Tag {
      if (value == null || !GRAMMAR.matcher(value).matches()) {
        throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag");
      }
    }

    /** True when {@code s} is a valid tag. */
    public static boolean isValid(String s) {
      return s != null && GRAMMAR.matcher(s).matches();
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /**
   * A digest reference.
   *
   * @param digest the manifest's digest
   */
  record ByDigest(Digest digest) implements Reference {
    @Override
    public String toString() {
      return digest.toString();
    }
  }
}
