/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;

/**
 * The state database: SQLite in the data directory (one process) or PostgreSQL by JDBC URL (several
 * controllers share it). Opening it runs the Flyway migrations of its dialect.
 *
 * <p>SQLite has one writer at a time, so it gets one connection guarded by a fair lock: no {@code
 * SQLITE_BUSY} inside the process, and the busy timeout covers other processes (a second controller
 * started by mistake waits, then fails clearly). PostgreSQL gets a small pool.
 */
public final class Database implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Database.class.getName());

  /** The SQL dialects the migrations exist for. */
  public enum Dialect {
    SQLITE,
    POSTGRESQL
  }

  /** Work inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final Dialect dialect;
  private final String url;
  private final BlockingQueue<Connection> pool;
  private final List<Connection> all = new ArrayList<>();
  private final ReentrantLock sqliteLock = new ReentrantLock(true);
  private final ConcurrentLinkedQueue<Grouped<?>> grouped = new ConcurrentLinkedQueue<>();

  /** A unit of work waiting for a group commit, and what became of it. */
  private static final class Grouped<T> {
    final Work<T> work;
    volatile boolean done;
    T result;
    RuntimeException error;

    Grouped(Work<T> work) {
      this.work = work;
    }

    /**
     * Runs the work in a savepoint. One name does for all: each is released before the next begins.
     * The statements are kept prepared (sqlite-jdbc's {@code setSavepoint} compiles a statement
     * with a fresh name each time).
     */
    void run(Connection c) {
      try {
        exec(c, "SAVEPOINT grouped");
        try {
          result = work.run(c);
          exec(c, "RELEASE grouped");
        } catch (SQLException | RuntimeException e) {
          exec(c, "ROLLBACK TO grouped");
          exec(c, "RELEASE grouped");
          error = e instanceof SQLException x ? StoreException.of(x) : (RuntimeException) e;
        }
      } catch (SQLException e) {
        error = StoreException.of(e);
      }
    }
  }

  private Database(Dialect dialect, String url, List<Connection> connections) {
    this.dialect = dialect;
    this.url = url;
    this.pool = new ArrayBlockingQueue<>(connections.size(), true, connections);
    this.all.addAll(connections);
  }

  /** Opens (creating if needed) the SQLite database at {@code file} and migrates it. */
  public static Database sqlite(Path file) {
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    migrate(url, Dialect.SQLITE);
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // NORMAL in WAL mode: a commit survives a crash of the process (kill -9); only an OS crash
    // or power loss can lose the last commits. The database itself never corrupts.
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(10_000);
    cfg.enforceForeignKeys(true);
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    try {
      // Autocommit between transactions: sqlite-jdbc begins the next (IMMEDIATE, i.e. write-
      // locked) transaction as soon as autocommit is off, so tx() turns it off only for its work.
      Connection c = DriverManager.getConnection(url, cfg.toProperties());
      return new Database(Dialect.SQLITE, url, List.of(c));
    } catch (SQLException e) {
      throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** Connects to PostgreSQL at a {@code jdbc:postgresql:} URL and migrates it. */
  public static Database postgres(String url, int poolSize) {
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new StoreException(
          "database.url must start with jdbc:postgresql: (got a different URL)");
    }
    migrate(url, Dialect.POSTGRESQL);
    List<Connection> cs = new ArrayList<>();
    try {
      for (int i = 0; i < poolSize; i++) {
        Connection c = DriverManager.getConnection(url, new Properties());
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        cs.add(c);
      }
    } catch (SQLException e) {
      cs.forEach(Database::closeQuietly);
      throw new StoreException("cannot connect to PostgreSQL: " + e.getMessage(), e);
    }
    return new Database(Dialect.POSTGRESQL, url, cs);
  }

  /** Opens the database a configuration names: a JDBC URL, or SQLite at the default path. */
  public static Database open(String url, Path sqliteDefault) {
    if (url == null || url.isBlank()) {
      return sqlite(sqliteDefault);
    }
    if (url.startsWith("jdbc:sqlite:")) {
      return sqlite(Path.of(url.substring("jdbc:sqlite:".length())));
    }
    return postgres(url, 8);
  }

  /** The newest migration's version, in both dialects ({@code V<n>__*.sql}; a test checks it). */
  static final int LATEST_MIGRATION = 10;

  private static void migrate(String url, Dialect d) {
    if (schemaIsCurrent(url)) {
      return;
    }
    String location = "classpath:db/migration/" + (d == Dialect.SQLITE ? "sqlite" : "postgresql");
    try {
      var result =
          Flyway.configure(Database.class.getClassLoader())
              .dataSource(url, null, null)
              .locations(location)
              // The migrations use no ${placeholders}; SQL text such as '${inputs.NAME}' is data.
              .placeholderReplacement(false)
              .connectRetries(d == Dialect.POSTGRESQL ? 3 : 0)
              .load()
              .migrate();
      if (result.migrationsExecuted > 0) {
        LOG.log(Level.INFO, "database migrated to version {0}", result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      throw new StoreException("database migration failed: " + e.getMessage(), e);
    }
  }

  /**
   * Whether Flyway's history shows every migration up to {@link #LATEST_MIGRATION} applied with
   * success. Then a restart skips Flyway, whose full migrate (class loading, classpath scan,
   * validation) cost about a third of a second of CPU at every start for nothing; any other state
   * (no history, a failed or a newer migration) goes through Flyway, which migrates or reports it.
   */
  static boolean schemaIsCurrent(String url) {
    try (Connection c = DriverManager.getConnection(url, new Properties());
        Statement st = c.createStatement();
        var r =
            st.executeQuery(
                "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
      int newest = 0;
      while (r.next()) {
        if (!r.getBoolean(2)) {
          return false;
        }
        newest = Math.max(newest, Integer.parseInt(r.getString(1)));
      }
      return newest == LATEST_MIGRATION;
    } catch (SQLException | NumberFormatException e) {
      return false;
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The JDBC URL without credentials, for messages. */
  public String describe() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /**
   * Runs {@code work} in one transaction: commits when it returns, rolls back when it throws.
   *
   * @throws StoreException for database errors ({@link ConflictException} for unique violations)
   */
  public <T> T tx(Work<T> work) {
    Connection c = borrow();
    try {
      if (dialect == Dialect.SQLITE) {
        c.setAutoCommit(false);
      }
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException e) {
      rollback(c);
      throw StoreException.of(e);
    } catch (RuntimeException e) {
      rollback(c);
      throw e;
    } finally {
      if (dialect == Dialect.SQLITE) {
        try {
          c.setAutoCommit(true);
        } catch (SQLException e) {
          LOG.log(Level.WARNING, "cannot end the transaction: {0}", e.getMessage());
        }
      }
      release(c);
    }
  }

  /**
   * Runs {@code work} in a transaction that is on disk (fsync'd) when this returns, sharing the
   * transaction and its fsync with the work other threads submit meanwhile (group commit, as
   * databases do for their log). Each work runs inside its own savepoint: one that throws is rolled
   * back alone and its exception rethrown to its caller; the others commit. For durable appends
   * from many concurrent writers (webhook events). On PostgreSQL this is {@link #tx}: its commits
   * are already durable and concurrent.
   */
  public <T> T txDurable(Work<T> work) {
    if (dialect != Dialect.SQLITE) {
      return tx(work);
    }
    Grouped<T> mine = new Grouped<>(work);
    grouped.add(mine);
    sqliteLock.lock();
    try {
      if (!mine.done) {
        commitGroup(all.getFirst());
      }
    } finally {
      sqliteLock.unlock();
    }
    if (mine.error != null) {
      throw mine.error;
    }
    return mine.result;
  }

  /** Runs every queued work in one transaction, committed with synchronous=FULL. */
  private void commitGroup(Connection c) {
    List<Grouped<?>> batch = new ArrayList<>();
    for (Grouped<?> g; (g = grouped.poll()) != null; ) {
      batch.add(g);
    }
    RuntimeException failed = null;
    // Not kept prepared: SQLite applies PRAGMA synchronous when the statement is compiled, so a
    // kept statement would stop switching.
    try (Statement st = c.createStatement()) {
      // FULL in WAL mode: the commit fsyncs the WAL, so the caller may acknowledge the work.
      st.execute("PRAGMA synchronous = FULL");
      try {
        c.setAutoCommit(false);
        for (Grouped<?> g : batch) {
          g.run(c);
        }
        c.commit();
      } catch (SQLException e) {
        rollback(c);
        failed = StoreException.of(e);
      } finally {
        c.setAutoCommit(true);
        st.execute("PRAGMA synchronous = NORMAL");
      }
    } catch (SQLException e) {
      failed = failed != null ? failed : StoreException.of(e);
    }
    for (Grouped<?> g : batch) {
      if (failed != null) {
        g.error = failed;
      }
      g.done = true;
    }
  }

  /** Runs one of the savepoint statements, kept prepared on the connection. */
  private static void exec(Connection c, String sql) throws SQLException {
    try (StatementCache.Lease l = StatementCache.prepare(c, sql)) {
      l.ps().executeUpdate();
    }
  }

  private Connection borrow() {
    if (dialect == Dialect.SQLITE) {
      sqliteLock.lock();
      return all.getFirst();
    }
    try {
      Connection c = pool.poll(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
      if (c == null) {
        throw new StoreException("no database connection free for 30 s");
      }
      if (c.isClosed() || !c.isValid(2)) {
        all.remove(c);
        closeQuietly(c);
        c = DriverManager.getConnection(url, new Properties());
        c.setAutoCommit(false);
        all.add(c);
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a database connection", e);
    } catch (SQLException e) {
      throw StoreException.of(e);
    }
  }

  private void release(Connection c) {
    if (dialect == Dialect.SQLITE) {
      sqliteLock.unlock();
    } else {
      pool.offer(c);
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "rollback failed: {0}", e.getMessage());
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "close failed: {0}", e.getMessage());
    }
  }

  @Override
  public void close() {
    all.forEach(StatementCache::forget);
    all.forEach(Database::closeQuietly);
  }
}
