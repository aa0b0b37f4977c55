/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConnection;

/**
 * Prepared statements kept across transactions for the statements every webhook event runs.
 * sqlite-jdbc compiles the SQL on every {@code prepareStatement}, which cost a third of an append;
 * PostgreSQL's driver keeps server-side statements by itself, so there this prepares as usual.
 *
 * <p>SQLite has one connection, used by one thread at a time under the database's write lock, so a
 * statement taken from here is never in use twice. {@link Database#close()} drops the entries of
 * its connection.
 */
final class StatementCache {

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Map<Connection, Map<String, PreparedStatement>> BY_CONNECTION =
      new IdentityHashMap<>();

  private StatementCache() {}

  /** A statement for {@code sql} on {@code c}; close the lease when done with it. */
  static Lease prepare(Connection c, String sql) throws SQLException {
    if (!(c instanceof SQLiteConnection)) {
      return new Lease(c.prepareStatement(sql), true);
    }
    Map<String, PreparedStatement> kept;
    LOCK.lock();
    try {
      kept = BY_CONNECTION.computeIfAbsent(c, k -> new HashMap<>());
    } finally {
      LOCK.unlock();
    }
    PreparedStatement ps = kept.get(sql);
    if (ps == null || ps.isClosed()) {
      ps = c.prepareStatement(sql);
      kept.put(sql, ps);
    }
    return new Lease(ps, false);
  }

  /** Closes and forgets the statements kept for {@code c}. */
  static void forget(Connection c) {
    Map<String, PreparedStatement> kept;
    LOCK.lock();
    try {
      kept = BY_CONNECTION.remove(c);
    } finally {
      LOCK.unlock();
    }
    if (kept != null) {
      for (PreparedStatement ps : kept.values()) {
        try {
          ps.close();
        } catch (SQLException e) {
          // The connection is closing anyway.
        }
      }
    }
  }

  /**
   * A statement on loan: closing it closes a statement that is not kept, and clears the parameters
   * of one that is.
   */
  record Lease(PreparedStatement ps, boolean owned) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      if (owned) {
        ps.close();
      } else {
        ps.clearParameters();
      }
    }
  }
}
