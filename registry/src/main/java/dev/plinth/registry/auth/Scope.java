/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.auth;

import dev.plinth.registry.api.Action;
import java.util.EnumSet;
import java.util.Set;

/**
 * One access grant or request of a token: {@code repository:NAME:pull,push} or {@code
 * registry:catalog:*}.
 *
 * @param type {@code repository} or {@code registry}
 * @param name the repository name, or {@code catalog}
 * @param actions the actions
 */
public record Scope(String type, String name, Set<Action> actions) {

  /** Parses a scope; unknown actions are dropped, {@code *} means all. */
  public static Scope parse(String s) {
    int first = s.indexOf(':');
    int last = s.lastIndexOf(':');
    if (first <= 0 || last <= first) {
      throw new IllegalArgumentException("invalid scope " + s);
    }
    Set<Action> actions = EnumSet.noneOf(Action.class);
    for (String a : s.substring(last + 1).split(",")) {
      if (a.equals("*")) {
        actions.addAll(EnumSet.allOf(Action.class));
      } else {
        try {
          actions.add(Action.fromScope(a));
        } catch (IllegalArgumentException e) {
          // unknown action: not granted
        }
      }
    }
    return new Scope(s.substring(0, first), s.substring(first + 1, last), actions);
  }

  /** The wire form. */
  @Override
  public String toString() {
    if (type.equals("registry")) {
      return type + ":" + name + ":*";
    }
    StringBuilder b = new StringBuilder(type).append(':').append(name).append(':');
    String sep = "";
    for (Action a : actions) {
      b.append(sep).append(a.scopeName());
      sep = ",";
    }
    return b.toString();
  }
}
