/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

import java.util.regex.Pattern;

/**
 * A repository name as the distribution spec's grammar allows it: lower-case path components
 * separated by {@code /}. The grammar admits no {@code .}/{@code ..} component and no leading
 * separator, so a name can never address a path outside the storage root.
 *
 * @param value the name, e.g. {@code tools/sgdisk}
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {

  private static final Pattern GRAMMAR =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

  /** Longest name accepted; also keeps paths well under PATH_MAX. */
  public static final int MAX_LENGTH = 255;

  public RepositoryName {
    if (value == null || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
      throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name");
    }
  }

  public static RepositoryName parse(String s) {
    return new RepositoryName(s);
  }

  @Override
  public int compareTo(RepositoryName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
