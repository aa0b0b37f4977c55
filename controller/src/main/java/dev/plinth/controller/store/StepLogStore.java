/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of jobs' steps, stored with the job in chunks as the dispatcher sends them, within a
 * limit per step (all its attempts) and per job: the chunk that reaches a limit is stored up to it
 * with a marker line, and later ones are refused ({@link Outcome#FULL}).
 */
public final class StepLogStore {

  /** What {@link #append} did. */
  public enum Outcome {
    STORED,
    /** Stored up to the limit, with a marker line saying so. */
    TRUNCATED,
    /** The chunk was stored already (a resend). */
    DUPLICATE,
    /** The step's or the job's limit was reached before: nothing stored. */
    FULL,
    /** No such job, or it has finished. */
    NO_ACTIVE_JOB
  }

  /** The most bytes (UTF-8) kept per step (all attempts together) and per job. */
  public record Limits(long perStep, long perJob) {
    public static Limits defaults() {
      return new Limits(1 << 20, 8 << 20);
    }
  }

  /** A stored chunk; {@code id} orders a job's chunks as they were stored. */
  public record Chunk(long id, String step, int attempt, long chunk, String text, Instant at) {}

  private final Database db;

  public StepLogStore(Database db) {
    this.db = db;
  }

  /** Stores one chunk of an active job's output within {@code limits}. */
  public Outcome append(
      String jobId, String step, int attempt, long chunk, String text, Instant at, Limits limits) {
    return db.tx(
        c -> {
          if (JobStore.state(c, jobId).map(JobState::terminal).orElse(true)) {
            return Outcome.NO_ACTIVE_JOB;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM step_logs WHERE job_id=? AND step=? AND attempt=? AND chunk=?")) {
            ps.setString(1, jobId);
            ps.setString(2, step);
            ps.setInt(3, attempt);
            ps.setLong(4, chunk);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                return Outcome.DUPLICATE;
              }
            }
          }
          long jobBytes =
              sum(c, "SELECT COALESCE(SUM(bytes),0) FROM step_logs WHERE job_id=?", jobId, null);
          long stepBytes =
              sum(
                  c,
                  "SELECT COALESCE(SUM(bytes),0) FROM step_logs WHERE job_id=? AND step=?",
                  jobId,
                  step);
          long room = Math.min(limits.perStep() - stepBytes, limits.perJob() - jobBytes);
          if (room <= 0) {
            return Outcome.FULL;
          }
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          String kept = text;
          Outcome o = Outcome.STORED;
          if (bytes.length > room) {
            kept =
                cut(bytes, (int) room)
                    + "\n[plinth: log truncated: the controller keeps at most "
                    + limits.perStep()
                    + " bytes per step and "
                    + limits.perJob()
                    + " per job]\n";
            o = Outcome.TRUNCATED;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO step_logs (job_id, step, attempt, chunk, text, bytes, at)"
                      + " VALUES (?,?,?,?,?,?,?)")) {
            ps.setString(1, jobId);
            ps.setString(2, step);
            ps.setInt(3, attempt);
            ps.setLong(4, chunk);
            ps.setString(5, kept);
            // A truncated chunk counts as the whole room, so the limit is reached for good.
            ps.setLong(6, o == Outcome.TRUNCATED ? room : bytes.length);
            Sql.instant(ps, 7, at);
            ps.executeUpdate();
          }
          return o;
        });
  }

  /**
   * A job's chunks in stored order after the chunk id {@code after}, of one step (null: all), at
   * most {@code limit}.
   */
  public List<Chunk> list(String jobId, String step, long after, int limit) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, step, attempt, chunk, text, at FROM step_logs WHERE job_id=? AND id>?"
                      + (step == null ? "" : " AND step=?")
                      + " ORDER BY id LIMIT "
                      + limit)) {
            ps.setString(1, jobId);
            ps.setLong(2, after);
            if (step != null) {
              ps.setString(3, step);
            }
            List<Chunk> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Chunk(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getLong(4),
                        rs.getString(5),
                        Sql.instant(rs, "at")));
              }
            }
            return out;
          }
        });
  }

  private static long sum(Connection c, String sql, String jobId, String step) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, jobId);
      if (step != null) {
        ps.setString(2, step);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The longest prefix of {@code bytes} within {@code max} bytes that ends on a character. */
  static String cut(byte[] bytes, int max) {
    int end = max;
    // Back off continuation bytes (10xxxxxx) so a character is never split.
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
