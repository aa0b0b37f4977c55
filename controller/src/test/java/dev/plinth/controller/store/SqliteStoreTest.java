/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
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

  @Test
  void durableWorkIsGroupCommittedAndAFailingWorkRollsBackAlone() throws Exception {
    db.tx(
        c -> {
          c.createStatement().execute("CREATE TABLE t (n INTEGER PRIMARY KEY)");
          return null;
        });
    ConcurrentLinkedQueue<Integer> failed = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      int n = i;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      db.txDurable(
                          c -> {
                            c.createStatement().execute("INSERT INTO t VALUES (" + n + ")");
                            if (n % 8 == 0) {
                              throw new IllegalStateException("refused " + n);
                            }
                            return n;
                          });
                    } catch (IllegalStateException e) {
                      failed.add(n);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failed).containsExactlyInAnyOrder(0, 8, 16, 24, 32, 40, 48, 56);
    List<Integer> stored =
        db.tx(
            c -> {
              List<Integer> out = new ArrayList<>();
              try (var rs = c.createStatement().executeQuery("SELECT n FROM t ORDER BY n")) {
                while (rs.next()) {
                  out.add(rs.getInt(1));
                }
              }
              return out;
            });
    assertThat(stored).hasSize(56).doesNotContain(0, 8, 16, 24, 32, 40, 48, 56);
    // A duplicate key inside a group fails that work only, as a conflict.
    assertThatThrownBy(
            () -> db.txDurable(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)")))
        .isInstanceOf(ConflictException.class);
    // Grouped commits are synchronous=FULL (2), every time; ordinary transactions go back to
    // NORMAL (1).
    for (int i = 0; i < 3; i++) {
      int inGroup =
          db.txDurable(
              c -> {
                try (var rs = c.createStatement().executeQuery("PRAGMA synchronous")) {
                  rs.next();
                  return rs.getInt(1);
                }
              });
      assertThat(inGroup).isEqualTo(2);
    }
    int sync =
        db.tx(
            c -> {
              try (var rs = c.createStatement().executeQuery("PRAGMA synchronous")) {
                rs.next();
                return rs.getInt(1);
              }
            });
    assertThat(sync).isEqualTo(1);
  }
}
