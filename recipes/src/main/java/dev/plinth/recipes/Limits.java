/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

/**
 * Bounds that keep hostile input cheap: the file size, the nesting depth, how many YAML aliases may
 * appear and how many values the document may expand to (alias bombs), and the length of any one
 * string.
 */
public record Limits(
    int maxBytes, int maxDepth, int maxAliases, int maxNodes, int maxStringLength) {

  /**
   * The defaults: 1 MiB, depth 32, 100 aliases, 20,000 values (the largest recipe allowed, 100
   * steps, needs a few thousand), 256 KiB strings.
   */
  public static Limits defaults() {
    return new Limits(1 << 20, 32, 100, 20_000, 256 * 1024);
  }

  public Limits {
    if (maxBytes <= 0 || maxDepth <= 0 || maxAliases < 0 || maxNodes <= 0 || maxStringLength <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
