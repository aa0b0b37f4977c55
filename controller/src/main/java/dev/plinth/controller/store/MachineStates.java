/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Machines' lifecycle states ({@code machines.state} and its companions): reads, and the
 * compare-and-set write that only {@code jobs.MachineLifecycle} calls ({@code
 * ControllerArchitectureTest}), directly or through {@link JobStore} when a job's change moves its
 * machine in the same transaction.
 */
public final class MachineStates {

  private static final String COLS = "id, state, state_before, state_reason, state_at";

  private final Database db;

  public MachineStates(Database db) {
    this.db = db;
  }

  /** The state of machine {@code machineId}, or empty when there is no such machine. */
  public Optional<MachineStatus> get(String machineId) {
    return db.tx(c -> get(c, machineId));
  }

  static Optional<MachineStatus> get(Connection c, String machineId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLS + " FROM machines WHERE id = ?")) {
      ps.setString(1, machineId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** The states of the machines {@code ids} (a page of a list), by machine id. */
  public Map<String, MachineStatus> get(Collection<String> ids) {
    Map<String, MachineStatus> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLS + " FROM machines WHERE id IN (" + marks + ")")) {
            int i = 1;
            for (String id : ids) {
              ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                MachineStatus s = read(rs);
                out.put(s.machineId(), s);
              }
            }
          }
          return out;
        });
  }

  /** How many machines are in each state. */
  public Map<MachineState, Long> countByState() {
    return db.tx(
        c -> {
          Map<MachineState, Long> m = new java.util.EnumMap<>(MachineState.class);
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT state, COUNT(*) FROM machines GROUP BY state");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              m.put(MachineState.valueOf(rs.getString(1)), rs.getLong(2));
            }
          }
          return m;
        });
  }

  /**
   * Applies the change {@code decide} makes of the machine's current state (it may give null: no
   * change, or throw to refuse: nothing is stored), in one durable transaction.
   *
   * @return the state after the change, or empty when there was none (or no such machine)
   */
  public Optional<MachineStatus> change(
      String machineId, Function<MachineStatus, MachineChange> decide) {
    return db.txDurable(c -> change(c, machineId, decide));
  }

  /** {@link #change(String, Function)} inside the caller's transaction. */
  static Optional<MachineStatus> change(
      Connection c, String machineId, Function<MachineStatus, MachineChange> decide)
      throws SQLException {
    Optional<MachineStatus> now = get(c, machineId);
    MachineChange ch = now.map(decide).orElse(null);
    return ch == null ? Optional.empty() : write(c, ch);
  }

  private static Optional<MachineStatus> write(Connection c, MachineChange ch) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE machines SET state=?, state_before=?, state_reason=?, state_at=?"
                + " WHERE id=? AND state=?")) {
      ps.setString(1, ch.to().name());
      ps.setString(2, ch.before() == null ? null : ch.before().name());
      ps.setString(3, ch.reason());
      Sql.instant(ps, 4, ch.at());
      ps.setString(5, ch.machineId());
      ps.setString(6, ch.from().name());
      if (ps.executeUpdate() != 1) {
        return Optional.empty();
      }
    }
    MachineHistory.append(c, ch);
    return get(c, ch.machineId());
  }

  private static MachineStatus read(ResultSet rs) throws SQLException {
    String before = rs.getString("state_before");
    return new MachineStatus(
        rs.getString("id"),
        MachineState.valueOf(rs.getString("state")),
        before == null ? null : MachineState.valueOf(before),
        rs.getString("state_reason"),
        Sql.instant(rs, "state_at"));
  }
}
