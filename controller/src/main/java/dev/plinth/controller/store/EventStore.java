/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Job events: those the controller records on state changes, and those the dispatcher posts, which
 * are stored once by event id and accepted only in sequence order.
 */
public final class EventStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLAIM_SEQUENCE =
      "UPDATE jobs SET next_seq = next_seq + 1 WHERE id = ? AND next_seq = ? AND state NOT IN "
          + JobState.terminalSql();
  private static final String INSERT_ONCE =
      "INSERT INTO job_events (job_id, event_id, seq, type, step, data, at) VALUES (?,?,?,?,?,?,?)"
          + " ON CONFLICT (job_id, event_id) DO NOTHING RETURNING id";

  /** What happened to a posted dispatcher event. */
  public enum Outcome {
    /** Stored now. */
    ACCEPTED,
    /** Stored before under the same event id: nothing changed. */
    DUPLICATE,
    /** Its sequence number is not the next one expected (a gap, or a number already used). */
    OUT_OF_ORDER,
    /** The job is finished or does not exist. */
    NO_ACTIVE_JOB
  }

  /**
   * The result of appending a dispatcher event.
   *
   * @param expectedSeq the sequence number the job expects next
   * @param event the stored event (the earlier one for a duplicate), or null
   */
  public record Appended(Outcome outcome, long expectedSeq, JobEvent event) {}

  private final Database db;

  public EventStore(Database db) {
    this.db = db;
  }

  /** Records a controller event. */
  public JobEvent record(String jobId, String type, String step, String data, Instant at) {
    return db.tx(c -> insert(c, jobId, null, null, type, step, data, at));
  }

  /**
   * Appends a dispatcher event inside the caller's transaction: once per event id, and only with
   * the next sequence number.
   *
   * <p>The expected case costs two statements: a compare-and-set of the job's sequence (which also
   * checks that the job is active) and an insert that does nothing on a known event id. Only when
   * one of them does not apply are the earlier event and the job read to tell which answer fits.
   */
  public static Appended append(
      Connection c,
      String jobId,
      String eventId,
      long seq,
      String type,
      String step,
      String data,
      Instant at)
      throws SQLException {
    if (claimSequence(c, jobId, seq)) {
      Long id = insertOnce(c, jobId, eventId, seq, type, step, data, at);
      if (id != null) {
        return new Appended(
            Outcome.ACCEPTED, seq + 1, new JobEvent(id, jobId, eventId, seq, type, step, data, at));
      }
      // The event id is stored under another sequence number: give the number back.
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE jobs SET next_seq = ? WHERE id = ? AND next_seq = ?")) {
        ps.setLong(1, seq);
        ps.setString(2, jobId);
        ps.setLong(3, seq + 1);
        ps.executeUpdate();
      }
    }
    Optional<JobEvent> earlier = byEventId(c, jobId, eventId);
    JobStore.SeqState job = JobStore.seqState(c, jobId);
    long expected = job == null ? 0L : job.nextSeq();
    if (earlier.isPresent()) {
      return new Appended(Outcome.DUPLICATE, expected, earlier.get());
    }
    if (job == null || job.state().terminal()) {
      return new Appended(Outcome.NO_ACTIVE_JOB, expected, null);
    }
    return new Appended(Outcome.OUT_OF_ORDER, expected, null);
  }

  /** Moves the job's next sequence number past {@code seq} if it is {@code seq} and active. */
  private static boolean claimSequence(Connection c, String jobId, long seq) throws SQLException {
    try (StatementCache.Lease l = StatementCache.prepare(c, CLAIM_SEQUENCE)) {
      PreparedStatement ps = l.ps();
      ps.setString(1, jobId);
      ps.setLong(2, seq);
      return ps.executeUpdate() == 1;
    }
  }

  /** Inserts a dispatcher event unless its id is stored: the new row's id, or null. */
  private static Long insertOnce(
      Connection c,
      String jobId,
      String eventId,
      long seq,
      String type,
      String step,
      String data,
      Instant at)
      throws SQLException {
    try (StatementCache.Lease l = StatementCache.prepare(c, INSERT_ONCE)) {
      PreparedStatement ps = l.ps();
      ps.setString(1, jobId);
      ps.setString(2, eventId);
      ps.setLong(3, seq);
      ps.setString(4, type);
      ps.setString(5, step);
      ps.setString(6, data);
      Sql.instant(ps, 7, at);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /** The job's latest dispatcher event of {@code type} about {@code step}, in the caller's tx. */
  public static Optional<JobEvent> latest(Connection c, String jobId, String type, String step)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT * FROM job_events WHERE job_id = ? AND type = ? AND step = ?"
                + " ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, jobId);
      ps.setString(2, type);
      ps.setString(3, step);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** The job's latest dispatcher event of {@code type} about {@code step}. */
  public Optional<JobEvent> latest(String jobId, String type, String step) {
    return db.tx(c -> latest(c, jobId, type, step));
  }

  /** Whether the job has an event of this type. */
  public boolean has(String jobId, String type) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM job_events WHERE job_id = ? AND type = ?")) {
            ps.setString(1, jobId);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /** Events of a job after position {@code afterId}, oldest first. */
  public List<JobEvent> list(String jobId, long afterId, int limit) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT * FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?")) {
            ps.setString(1, jobId);
            ps.setLong(2, afterId);
            ps.setInt(3, limit);
            List<JobEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs));
              }
            }
            return out;
          }
        });
  }

  static JobEvent insert(
      Connection c,
      String jobId,
      String eventId,
      Long seq,
      String type,
      String step,
      String data,
      Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO job_events (job_id, event_id, seq, type, step, data, at)"
                + " VALUES (?,?,?,?,?,?,?)",
            java.sql.Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, jobId);
      ps.setString(2, eventId);
      if (seq == null) {
        ps.setNull(3, java.sql.Types.BIGINT);
      } else {
        ps.setLong(3, seq);
      }
      ps.setString(4, type);
      ps.setString(5, step);
      ps.setString(6, data);
      Sql.instant(ps, 7, at);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return new JobEvent(keys.getLong(1), jobId, eventId, seq, type, step, data, at);
      }
    }
  }

  private static Optional<JobEvent> byEventId(Connection c, String jobId, String eventId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT * FROM job_events WHERE job_id = ? AND event_id = ?")) {
      ps.setString(1, jobId);
      ps.setString(2, eventId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static JobEvent read(ResultSet rs) throws SQLException {
    long seq = rs.getLong("seq");
    Long s = rs.wasNull() ? null : seq;
    return new JobEvent(
        rs.getLong("id"),
        rs.getString("job_id"),
        rs.getString("event_id"),
        s,
        rs.getString("type"),
        rs.getString("step"),
        rs.getString("data"),
        Sql.instant(rs, "at"));
  }

  /** A JSON string literal. */
  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
