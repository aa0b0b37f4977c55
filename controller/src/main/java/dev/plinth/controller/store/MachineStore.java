/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Machines: create, read, list with label filters, update by version, delete. */
public final class MachineStore {

  private static final String COLS =
      "id, name, bmc_url, bmc_username, bmc_secret, bmc_insecure, bmc_ca_pem, bmc_fingerprint,"
          + " labels, inventory, version, created_at, updated_at";

  private final Database db;

  public MachineStore(Database db) {
    this.db = db;
  }

  /**
   * Stores a new machine.
   *
   * @throws ConflictException when the name is taken
   */
  public Machine create(Machine m) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO machines (" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            bind(ps, m);
            ps.executeUpdate();
          }
          return m;
        });
  }

  /**
   * Stores new machines in one transaction (a fleet enrolled at once, a test's fleet): all or none.
   *
   * @throws ConflictException when a name is taken
   */
  public void createAll(List<Machine> ms) {
    db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO machines (" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            // One statement per row, not a batch: a taken name is then the driver's plain
            // constraint error, which StoreException maps to a ConflictException on both dialects.
            for (Machine m : ms) {
              bind(ps, m);
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  public Optional<Machine> byName(String name) {
    return db.tx(c -> byName(c, name));
  }

  static Optional<Machine> byName(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLS + " FROM machines WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Lists machines by name, after the cursor {@code after}, keeping those whose labels include
   * every entry of {@code labels}.
   */
  public Page<Machine> list(Map<String, String> labels, String after, int limit) {
    return list(labels, null, after, limit);
  }

  /** {@link #list(Map, String, int)} of the machines in {@code state} (null: any state). */
  public Page<Machine> list(
      Map<String, String> labels, MachineState state, String after, int limit) {
    return list(labels, state, null, after, limit);
  }

  /**
   * {@link #list(Map, MachineState, String, int)} of the machines whose name contains {@code
   * search} (null or empty: any name), matched in the database so that a page is full.
   */
  public Page<Machine> list(
      Map<String, String> labels, MachineState state, String search, String after, int limit) {
    boolean named = search != null && !search.isEmpty();
    List<Machine> rows = new ArrayList<>();
    db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLS
                      + " FROM machines WHERE name > ?"
                      + (state == null ? "" : " AND state = ?")
                      + (named ? " AND name LIKE ? ESCAPE '!'" : "")
                      + " ORDER BY name")) {
            int i = 1;
            ps.setString(i++, after == null ? "" : after);
            if (state != null) {
              ps.setString(i++, state.name());
            }
            if (named) {
              ps.setString(i, "%" + likeLiteral(search) + "%");
            }
            try (ResultSet rs = ps.executeQuery()) {
              // Label filters run here: label sets are small and SQL JSON differs by dialect.
              while (rs.next() && rows.size() <= limit) {
                Machine m = read(rs);
                if (m.labels().entrySet().containsAll(labels.entrySet())) {
                  rows.add(m);
                }
              }
            }
          }
          return null;
        });
    return Sql.page(rows, limit, Machine::name);
  }

  /**
   * Replaces a machine if its version is still {@code expectedVersion}.
   *
   * @return the stored machine with the next version, or empty when the version moved on
   */
  public Optional<Machine> update(Machine m, long expectedVersion) {
    return db.tx(
        c -> {
          Machine next =
              new Machine(
                  m.id(),
                  m.name(),
                  m.bmcUrl(),
                  m.bmcUsername(),
                  m.sealedPassword(),
                  m.bmcInsecure(),
                  m.bmcCaPem(),
                  m.bmcFingerprint(),
                  m.labels(),
                  m.inventory(),
                  expectedVersion + 1,
                  m.createdAt(),
                  m.updatedAt());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE machines SET bmc_url=?, bmc_username=?, bmc_secret=?, bmc_insecure=?,"
                      + " bmc_ca_pem=?, bmc_fingerprint=?, labels=?, inventory=?, version=?,"
                      + " updated_at=? WHERE id=? AND version=?")) {
            ps.setString(1, next.bmcUrl());
            ps.setString(2, next.bmcUsername());
            ps.setString(3, next.sealedPassword());
            ps.setInt(4, next.bmcInsecure() ? 1 : 0);
            ps.setString(5, next.bmcCaPem());
            ps.setString(6, next.bmcFingerprint());
            ps.setString(7, Sql.json(next.labels()));
            ps.setString(8, next.inventory());
            ps.setLong(9, next.version());
            Sql.instant(ps, 10, next.updatedAt());
            ps.setString(11, next.id());
            ps.setLong(12, expectedVersion);
            return ps.executeUpdate() == 1 ? Optional.of(next) : Optional.empty();
          }
        });
  }

  /**
   * Deletes a machine that has no active job.
   *
   * @return false when there was no such machine
   * @throws ConflictException when a job is active on it
   */
  public boolean delete(String name) {
    return db.tx(
        c -> {
          Optional<Machine> m = byName(c, name);
          if (m.isEmpty()) {
            return false;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id FROM jobs WHERE machine_id = ? AND state NOT IN "
                      + JobState.terminalSql())) {
            ps.setString(1, m.get().id());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                throw new ConflictException("job " + rs.getString(1) + " is active on " + name);
              }
            }
          }
          MachineHistory.forget(c, m.get().id());
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM machines WHERE id = ?")) {
            ps.setString(1, m.get().id());
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** {@code s} with LIKE's wildcards (and the escape character) escaped by {@code !}. */
  static String likeLiteral(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static void bind(PreparedStatement ps, Machine m) throws SQLException {
    ps.setString(1, m.id());
    ps.setString(2, m.name());
    ps.setString(3, m.bmcUrl());
    ps.setString(4, m.bmcUsername());
    ps.setString(5, m.sealedPassword());
    ps.setInt(6, m.bmcInsecure() ? 1 : 0);
    ps.setString(7, m.bmcCaPem());
    ps.setString(8, m.bmcFingerprint());
    ps.setString(9, Sql.json(m.labels()));
    ps.setString(10, m.inventory());
    ps.setLong(11, m.version());
    Sql.instant(ps, 12, m.createdAt());
    Sql.instant(ps, 13, m.updatedAt());
  }

  private static Machine read(ResultSet rs) throws SQLException {
    return new Machine(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("bmc_url"),
        rs.getString("bmc_username"),
        rs.getString("bmc_secret"),
        rs.getInt("bmc_insecure") != 0,
        rs.getString("bmc_ca_pem"),
        rs.getString("bmc_fingerprint"),
        Sql.map(rs.getString("labels")),
        rs.getString("inventory"),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"));
  }
}
