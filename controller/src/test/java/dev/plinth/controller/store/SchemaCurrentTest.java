/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up shortcut that skips Flyway when the schema history is already current. */
class SchemaCurrentTest {

  @TempDir Path dir;

  @Test
  void latestMigrationIsTheNewestFileInBothDialects() throws Exception {
    for (String dialect : new String[] {"sqlite", "postgresql"}) {
      URL url = Database.class.getClassLoader().getResource("db/migration/" + dialect);
      assertThat(url).as(dialect).isNotNull();
      Pattern v = Pattern.compile("V(\\d+)__.*\\.sql");
      int newest = 0;
      try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
        for (Path f : files.toList()) {
          Matcher m = v.matcher(f.getFileName().toString());
          if (m.matches()) {
            newest = Math.max(newest, Integer.parseInt(m.group(1)));
          }
        }
      }
      assertThat(newest).as(dialect).isEqualTo(Database.LATEST_MIGRATION);
    }
  }

  @Test
  void onlyAFullySuccessfulHistoryUpToTheLatestIsCurrent() throws Exception {
    Path file = dir.resolve("plinth.db");
    String url = "jdbc:sqlite:" + file;
    assertThat(Database.schemaIsCurrent(url)).as("no database").isFalse();
    Database.sqlite(file).close();
    assertThat(Database.schemaIsCurrent(url)).as("migrated").isTrue();
    // A restart through the shortcut opens a working database.
    try (Database db = Database.sqlite(file)) {
      assertThat(db.dialect()).isEqualTo(Database.Dialect.SQLITE);
    }
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement()
          .executeUpdate(
              "UPDATE flyway_schema_history SET success = 0 WHERE version = '"
                  + Database.LATEST_MIGRATION
                  + "'");
    }
    assertThat(Database.schemaIsCurrent(url)).as("a failed migration").isFalse();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement()
          .executeUpdate(
              "UPDATE flyway_schema_history SET success = 1, version = '"
                  + (Database.LATEST_MIGRATION + 1)
                  + "' WHERE version = '"
                  + Database.LATEST_MIGRATION
                  + "'");
    }
    assertThat(Database.schemaIsCurrent(url)).as("a newer schema").isFalse();
  }
}
