/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.gc;

import dev.plinth.registry.api.Glob;
import java.time.Duration;
import java.util.List;

/**
 * A retention rule for repositories matching a glob.
 *
 * @param repositories which repositories it applies to (first matching policy wins)
 * @param keepLast keep the newest N tags by push time (negative: keep all)
 * @param keepTags tags matching any of these are always kept ({@code v*}, {@code stable}, ...)
 * @param untaggedOlderThan drop untagged manifests older than this (null: keep them)
 */
public record RetentionPolicy(
    Glob repositories, int keepLast, List<Glob> keepTags, Duration untaggedOlderThan) {

  /** The project's default: keep the last 10 tags, and v*, stable, candidate and latest. */
  public static RetentionPolicy defaults(String repositoryGlob) {
    return new RetentionPolicy(
        new Glob(repositoryGlob),
        10,
        List.of(new Glob("v*"), new Glob("stable"), new Glob("candidate"), new Glob("latest")),
        Duration.ofDays(7));
  }
}
