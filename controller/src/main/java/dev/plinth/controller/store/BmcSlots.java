/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Per-BMC session slots held in the database, so that every controller sharing it respects one
 * {@code maxPerBmc} together: a BMC host has slots {@code 0 .. max-1}, each taken by at most one
 * session at a time until its expiry. A controller renews the slots it holds (with its job leases);
 * a dead controller's slots expire and others take them.
 */
public final class BmcSlots {

  // Takes slot N when it is free or its holder's time has run out; one statement, so two
  // controllers racing for a slot cannot both win (SQLite 3.24+ and PostgreSQL 9.5+ upsert).
  private static final String TAKE =
      "INSERT INTO bmc_slots (bmc_host, slot, holder, owner, until_at) VALUES (?,?,?,?,?)"
          + " ON CONFLICT (bmc_host, slot) DO UPDATE SET holder = excluded.holder,"
          + " owner = excluded.owner, until_at = excluded.until_at"
          + " WHERE bmc_slots.until_at < ?";

  private final Database db;

  public BmcSlots(Database db) {
    this.db = db;
  }

  /**
   * Takes a free or expired slot of {@code bmcHost} for {@code owner} until {@code until}.
   *
   * @param max how many sessions the BMC host may have at once
   * @return the holder token to {@link #release} it with, or empty when all {@code max} are held
   */
  public Optional<String> tryAcquire(
      String bmcHost, int max, String owner, Instant now, Instant until) {
    String holder = owner + "/" + UUID.randomUUID();
    for (int slot = 0; slot < max; slot++) {
      int n = slot;
      boolean won =
          db.tx(
              c -> {
                try (PreparedStatement ps = c.prepareStatement(TAKE)) {
                  ps.setString(1, bmcHost);
                  ps.setInt(2, n);
                  ps.setString(3, holder);
                  ps.setString(4, owner);
                  Sql.instant(ps, 5, until);
                  Sql.instant(ps, 6, now);
                  return ps.executeUpdate() == 1;
                }
              });
      if (won) {
        return Optional.of(holder);
      }
    }
    return Optional.empty();
  }

  /** Gives a slot back. */
  public void release(String bmcHost, String holder) {
    db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM bmc_slots WHERE bmc_host = ? AND holder = ?")) {
            ps.setString(1, bmcHost);
            ps.setString(2, holder);
            return ps.executeUpdate();
          }
        });
  }

  /** Extends every slot {@code owner} holds to {@code until}; returns how many. */
  public int renew(String owner, Instant until) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE bmc_slots SET until_at = ? WHERE owner = ?")) {
            Sql.instant(ps, 1, until);
            ps.setString(2, owner);
            return ps.executeUpdate();
          }
        });
  }

  /** How many slots of {@code bmcHost} are held at {@code now}. */
  public int held(String bmcHost, Instant now) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM bmc_slots WHERE bmc_host = ? AND until_at >= ?")) {
            ps.setString(1, bmcHost);
            Sql.instant(ps, 2, now);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }
}
