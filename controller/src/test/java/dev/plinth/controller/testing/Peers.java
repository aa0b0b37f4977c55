/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Real peers the tests use: skipped when absent, unless {@code PLINTH_REQUIRE_PEERS=1} (CI), where
 * absence fails the test loudly.
 */
public final class Peers {

  /** Where .ci/services starts PostgreSQL; PLINTH_TEST_PG_URL overrides it. */
  public static final String PG_URL =
      System.getenv()
          .getOrDefault(
              "PLINTH_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/plinth_test?user=plinth");

  private Peers() {}

  public static boolean required() {
    return "1".equals(System.getenv("PLINTH_REQUIRE_PEERS"));
  }

  /** Skips (or fails under CI) when {@code present} is false. */
  public static void need(boolean present, String what) {
    if (!present && required()) {
      fail(what + " is required (PLINTH_REQUIRE_PEERS=1) but is not available");
    }
    Assumptions.assumeTrue(present, what + " is not available");
  }

  /**
   * A fresh schema in the test PostgreSQL, and a JDBC URL that uses it; skips when PostgreSQL is
   * not running (see .ci/services).
   */
  public static String freshPostgresSchema() {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(PG_URL);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      need(false, "PostgreSQL at " + PG_URL + " (" + e.getMessage() + "; run .ci/services)");
    }
    return PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Drops a schema made by {@link #freshPostgresSchema()}. */
  public static void dropPostgresSchema(String url) {
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(PG_URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
