/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** API tokens, stored by hash. */
public final class TokenStore {

  private final Database db;

  public TokenStore(Database db) {
    this.db = db;
  }

  public ApiToken create(ApiToken t) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO api_tokens (id, name, role, hash, created_at, expires_at)"
                      + " VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, t.id());
            ps.setString(2, t.name());
            ps.setString(3, t.role());
            ps.setString(4, t.hash());
            Sql.instant(ps, 5, t.createdAt());
            Sql.instant(ps, 6, t.expiresAt());
            ps.executeUpdate();
          }
          return t;
        });
  }

  /** Makes {@code t} the token with its id, replacing an earlier hash (the bootstrap admin). */
  public void put(ApiToken t) {
    db.tx(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE id = ?")) {
            ps.setString(1, t.id());
            ps.executeUpdate();
          }
          return null;
        });
    create(t);
  }

  public Optional<ApiToken> byHash(String hash) {
    List<ApiToken> l = query("SELECT * FROM api_tokens WHERE hash = ?", hash);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  public List<ApiToken> list() {
    return query("SELECT * FROM api_tokens WHERE id <> ? ORDER BY created_at, id", "");
  }

  public boolean delete(String id) {
    return db.tx(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** Runs one of this class's fixed queries (every API request's authentication is one). */
  private List<ApiToken> query(String sql, String arg) {
    return db.tx(
        c -> {
          try (StatementCache.Lease l = StatementCache.prepare(c, sql)) {
            PreparedStatement ps = l.ps();
            ps.setString(1, arg);
            List<ApiToken> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs));
              }
            }
            return out;
          }
        });
  }

  private static ApiToken read(ResultSet rs) throws SQLException {
    return new ApiToken(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("role"),
        rs.getString("hash"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "expires_at"));
  }
}
