/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.SQLException;

/** The state database failed; the message is safe to log (never carries secrets or values). */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Maps a JDBC error; unique and constraint violations become {@link ConflictException}. */
  static StoreException of(SQLException e) {
    String state = e.getSQLState();
    boolean pgUnique = "23505".equals(state);
    // sqlite-jdbc reports every constraint violation with vendor code 19 (SQLITE_CONSTRAINT).
    boolean sqliteConstraint =
        e.getErrorCode() == 19 && String.valueOf(e.getMessage()).contains("UNIQUE");
    if (pgUnique || sqliteConstraint) {
      return new ConflictException("conflicts with an existing record", e);
    }
    return new StoreException("database error: " + e.getMessage(), e);
  }
}
