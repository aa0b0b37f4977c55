/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {

  @TempDir Path dir;
  Database db;

  @BeforeEach
  void open() {
    db = Database.open(null, dir.resolve("plinth.db"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  Database db() {
    return db;
  }

  @Test
  void usesWriteAheadLoggingAndSurvivesReopen() {
    String mode =
        db.tx(
            c -> {
              try (var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
                rs.next();
                return rs.getString(1);
              }
            });
    assertThat(mode).isEqualToIgnoringCase("wal");
    new MachineStore(db).create(machine("a"));
    db.close();
    db = Database.open("jdbc:sqlite:" + dir.resolve("plinth.db"), dir.resolve("unused.db"));
    assertThat(new MachineStore(db).byName("a")).isPresent();
    assertThat(db.dialect()).isEqualTo(Database.Dialect.SQLITE);
  }
}
