/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.controller.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store contract on PostgreSQL (started by .ci/services). */
class PostgresStoreIT extends StoreContract {

  String url;
  Database db;

  @BeforeEach
  void open() {
    url = Peers.freshPostgresSchema();
    db = Database.open(url, null);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
      Peers.dropPostgresSchema(url);
    }
  }

  @Override
  Database db() {
    return db;
  }

  @Test
  void describesItselfWithoutCredentials() {
    assertThat(db.dialect()).isEqualTo(Database.Dialect.POSTGRESQL);
    assertThat(db.describe()).doesNotContain("user=");
    assertThrows(StoreException.class, () -> Database.postgres("jdbc:mysql://x/y", 1));
  }
}
