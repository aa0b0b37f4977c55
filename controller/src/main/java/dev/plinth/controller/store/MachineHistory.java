/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Machines' state history ({@code machine_history}): one row per lifecycle transition, appended by
 * {@link MachineStates} in the transaction that changes the state, read newest first.
 */
public final class MachineHistory {

  /**
   * One transition as stored.
   *
   * @param id the row's id, increasing (the listing's cursor)
   * @param actor who made it (a token's name, or {@code job ID}), or null
   * @param reason why, or null
   */
  public record Entry(
      long id,
      String machineId,
      MachineState from,
      MachineState to,
      String actor,
      String reason,
      Instant at) {}

  private final Database db;

  public MachineHistory(Database db) {
    this.db = db;
  }

  /**
   * The machine's transitions, newest first, older than the cursor {@code before} (null: from the
   * newest).
   *
   * @throws IllegalArgumentException when {@code before} is not a cursor this gave
   */
  public Page<Entry> list(String machineId, String before, int limit) {
    long cursor;
    try {
      cursor = before == null ? Long.MAX_VALUE : Long.parseLong(before);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a history cursor: " + before, e);
    }
    List<Entry> rows = new ArrayList<>();
    db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, machine_id, from_state, to_state, actor, reason, at"
                      + " FROM machine_history WHERE machine_id = ? AND id < ?"
                      + " ORDER BY id DESC LIMIT "
                      + (limit + 1))) {
            ps.setString(1, machineId);
            ps.setLong(2, cursor);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(read(rs));
              }
            }
          }
          return null;
        });
    return Sql.page(rows, limit, e -> Long.toString(e.id()));
  }

  /** Records {@code ch}, which the caller has just applied in transaction {@code c}. */
  static void append(Connection c, MachineChange ch) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO machine_history (machine_id, from_state, to_state, actor, reason, at)"
                + " VALUES (?,?,?,?,?,?)")) {
      ps.setString(1, ch.machineId());
      ps.setString(2, ch.from().name());
      ps.setString(3, ch.to().name());
      ps.setString(4, ch.actor());
      ps.setString(5, ch.reason());
      Sql.instant(ps, 6, ch.at());
      ps.executeUpdate();
    }
  }

  /** Forgets the history of a machine being deleted in transaction {@code c}. */
  static void forget(Connection c, String machineId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM machine_history WHERE machine_id = ?")) {
      ps.setString(1, machineId);
      ps.executeUpdate();
    }
  }

  private static Entry read(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getLong("id"),
        rs.getString("machine_id"),
        MachineState.valueOf(rs.getString("from_state")),
        MachineState.valueOf(rs.getString("to_state")),
        rs.getString("actor"),
        rs.getString("reason"),
        Sql.instant(rs, "at"));
  }
}
