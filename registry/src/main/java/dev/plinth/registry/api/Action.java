/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

import java.util.Locale;

/** What a client wants to do with a repository: the actions of a token scope. */
public enum Action {
  PULL,
  PUSH,
  DELETE;

  /** The scope word, {@code pull}, {@code push} or {@code delete}. */
  public String scopeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a scope word; {@code *} is not an action (callers expand it). */
  public static Action fromScope(String s) {
    return switch (s) {
      case "pull" -> PULL;
      case "push" -> PUSH;
      case "delete" -> DELETE;
      default -> throw new IllegalArgumentException("unknown action " + s);
    };
  }
}
