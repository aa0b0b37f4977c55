/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import java.util.Locale;

/** What an API token may do; each role includes the ones below it. */
public enum Role {
  /** Read machines, jobs, events. */
  VIEWER,
  /** Also submit and cancel jobs, manage machines, power them. */
  OPERATOR,
  /** Also manage API tokens. */
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown role '" + s + "': use admin, operator or viewer", e);
    }
  }
}
