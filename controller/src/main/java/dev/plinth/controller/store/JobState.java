/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.util.EnumSet;
import java.util.Set;

/** Where a job is in its life. The database stores the enum name. */
public enum JobState {
  PENDING,
  MEDIA_READY,
  BOOTING,
  RUNNING,
  FINISHING,
  SUCCEEDED,
  FAILED,
  CANCELED,
  TIMED_OUT;

  private static final Set<JobState> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELED, TIMED_OUT);

  public boolean terminal() {
    return TERMINAL.contains(this);
  }

  /** The wire form: {@code MediaReady}, {@code TimedOut}. */
  public String wire() {
    StringBuilder b = new StringBuilder();
    for (String part : name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return b.toString();
  }

  /** Parses the wire form or the enum name, case-insensitively. */
  public static JobState parse(String s) {
    String n = s.replace("_", "").toUpperCase(java.util.Locale.ROOT);
    for (JobState st : values()) {
      if (st.name().replace("_", "").equals(n)) {
        return st;
      }
    }
    throw new IllegalArgumentException("unknown job state '" + s + "'");
  }

  /** The SQL list of terminal states, for queries. */
  static String terminalSql() {
    return "('SUCCEEDED','FAILED','CANCELED','TIMED_OUT')";
  }
}
