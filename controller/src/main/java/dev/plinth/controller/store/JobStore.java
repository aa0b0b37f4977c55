/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Jobs: creation (one active job per machine), state transitions by compare-and-set, and leases
 * that decide which controller drives which job.
 */
public final class JobStore {

  private static final String COLS =
      "id, machine_id, machine_name, bmc_host, recipe, state, reason, last_step, deadline_at,"
          + " cancel_requested, token_hash, secret, media_id, next_seq, lease_owner, lease_until,"
          + " version, created_at, updated_at, finished_at, inputs";

  private final Database db;

  public JobStore(Database db) {
    this.db = db;
  }

  public Database database() {
    return db;
  }

  /**
   * Stores a new job (without an execution plan) and its first event.
   *
   * @throws ConflictException when the machine already has an active job
   */
  public Job create(Job j) {
    return create(j, null);
  }

  /**
   * Stores a new job with its execution plan and its first event, in one transaction.
   *
   * @param plan the plan as JSON ({@code jobs.JobPlan}), or null for none
   * @throws ConflictException when the machine already has an active job
   */
  public Job create(Job j, String plan) {
    return create(j, plan, null);
  }

  /**
   * Stores a new job with its plan (may be null) and its first event, and moves its machine as
   * {@code machine} decides from the machine's state (null: not at all; a function that throws
   * refuses the job), in one transaction.
   *
   * @throws ConflictException when the machine already has an active job
   */
  public Job create(Job j, String plan, Function<MachineStatus, MachineChange> machine) {
    return db.tx(
        c -> {
          if (machine != null) {
            MachineStates.change(c, j.machineId(), machine);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO jobs ("
                      + COLS
                      + ", plan) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            int i = 1;
            ps.setString(i++, j.id());
            ps.setString(i++, j.machineId());
            ps.setString(i++, j.machineName());
            ps.setString(i++, j.bmcHost());
            ps.setString(i++, j.recipe());
            ps.setString(i++, j.state().name());
            ps.setString(i++, j.reason());
            ps.setString(i++, j.lastStep());
            Sql.instant(ps, i++, j.deadlineAt());
            ps.setInt(i++, j.cancelRequested() ? 1 : 0);
            ps.setString(i++, j.tokenHash());
            ps.setString(i++, j.sealedSecret());
            ps.setString(i++, j.mediaId());
            ps.setLong(i++, j.nextSeq());
            ps.setString(i++, j.leaseOwner());
            Sql.instant(ps, i++, j.leaseUntil());
            ps.setLong(i++, j.version());
            Sql.instant(ps, i++, j.createdAt());
            Sql.instant(ps, i++, j.updatedAt());
            Sql.instant(ps, i++, j.finishedAt());
            ps.setString(i++, Sql.json(j.inputs()));
            ps.setString(i, plan);
            ps.executeUpdate();
          } catch (SQLException e) {
            StoreException se = StoreException.of(e);
            if (se instanceof ConflictException) {
              throw new ConflictException(
                  "machine " + j.machineName() + " already has an active job", e);
            }
            throw se;
          }
          EventStore.insert(c, j.id(), null, null, "job.created", null, "{}", j.createdAt());
          return j;
        });
  }

  public Optional<Job> get(String id) {
    return db.tx(c -> get(c, id));
  }

  /**
   * The job's execution plan as stored (JSON), read apart from {@link Job} so that lists and engine
   * ticks do not carry it; empty when the job has none (submitted before plans were stored) or does
   * not exist.
   */
  public Optional<String> plan(String id) {
    return db.tx(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT plan FROM jobs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /**
   * Stores the plan of a job that has none yet (one submitted before plans were stored, compiled at
   * first use). A plan, once stored, never changes: when two controllers compile at once, the first
   * one stored wins.
   *
   * @return whether this call stored it (false: the job has a plan already, or does not exist)
   */
  public boolean storePlan(String id, String plan) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE jobs SET plan = ? WHERE id = ? AND plan IS NULL")) {
            ps.setString(1, plan);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  public static Optional<Job> get(Connection c, String id) throws SQLException {
    return cachedOne(c, BY_ID, id);
  }

  // The reads every engine step, dispatcher request and media request makes: kept prepared.
  private static final String BY_ID = "SELECT " + COLS + " FROM jobs WHERE id = ?";
  private static final String BY_TOKEN_HASH = "SELECT " + COLS + " FROM jobs WHERE token_hash = ?";
  private static final String BY_MEDIA_ID = "SELECT " + COLS + " FROM jobs WHERE media_id = ?";

  /** A job's state and the dispatcher sequence number it expects next. */
  record SeqState(JobState state, long nextSeq) {}

  /** The job's state and next sequence number (a narrow read for the webhook path), or null. */
  static SeqState seqState(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT state, next_seq FROM jobs WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new SeqState(JobState.valueOf(rs.getString(1)), rs.getLong(2)) : null;
      }
    }
  }

  /** The job's state inside the caller's transaction, or empty when there is no such job. */
  public static Optional<JobState> state(Connection c, String id) throws SQLException {
    return Optional.ofNullable(seqState(c, id)).map(SeqState::state);
  }

  /** The job whose token hashes to {@code tokenHash}. */
  public Optional<Job> byTokenHash(String tokenHash) {
    return db.tx(c -> cachedOne(c, BY_TOKEN_HASH, tokenHash));
  }

  /** The job whose media URLs carry {@code mediaId}. */
  public Optional<Job> byMediaId(String mediaId) {
    return db.tx(c -> cachedOne(c, BY_MEDIA_ID, mediaId));
  }

  /** Lists jobs newest first (ids sort by creation time), optionally by state and machine. */
  public Page<Job> list(JobState state, String machineName, String after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLS + " FROM jobs WHERE 1=1");
    List<String> args = new ArrayList<>();
    if (state != null) {
      sql.append(" AND state = ?");
      args.add(state.name());
    }
    if (machineName != null) {
      sql.append(" AND machine_name = ?");
      args.add(machineName);
    }
    if (after != null) {
      sql.append(" AND id < ?");
      args.add(after);
    }
    sql.append(" ORDER BY id DESC LIMIT ").append(limit + 1);
    List<Job> rows = db.tx(c -> many(c, sql.toString(), args.toArray(String[]::new)));
    return Sql.page(rows, limit, Job::id);
  }

  /** Counts active jobs, overall and on one BMC host (for the engine's limits). */
  public List<Job> active() {
    return db.tx(
        c -> many(c, "SELECT " + COLS + " FROM jobs WHERE state NOT IN " + JobState.terminalSql()));
  }

  /**
   * Moves a job from {@code from} to {@code to} if it is still in {@code from}, and records the
   * change as an event, in one transaction. This is stored before the side effect that follows.
   *
   * @return the job as stored after the change, or empty when it was no longer in {@code from}
   */
  public Optional<Job> transition(Transition t) {
    return db.tx(c -> transition(c, t));
  }

  /**
   * {@link #transition(Transition)} inside the caller's transaction. A fenced change ({@link
   * Transition#leaseOwner()} set) is stored only while that owner's lease on the job is unexpired
   * at {@link Transition#at()}, checked in the same conditional update.
   *
   * @throws LeaseLostException when the change is fenced and the lease is no longer the writer's
   */
  public static Optional<Job> transition(Connection c, Transition t) throws SQLException {
    boolean fenced = t.leaseOwner() != null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET state=?, reason=COALESCE(?, reason), last_step=COALESCE(?, last_step),"
                + " deadline_at=?, updated_at=?, finished_at=?, version=version+1"
                + " WHERE id=? AND state=?"
                + (fenced ? " AND lease_owner=? AND lease_until>?" : ""))) {
      ps.setString(1, t.to().name());
      ps.setString(2, t.reason());
      ps.setString(3, t.lastStep());
      Sql.instant(ps, 4, t.to().terminal() ? null : t.deadline());
      Sql.instant(ps, 5, t.at());
      Sql.instant(ps, 6, t.to().terminal() ? t.at() : null);
      ps.setString(7, t.jobId());
      ps.setString(8, t.from().name());
      if (fenced) {
        ps.setString(9, t.leaseOwner());
        Sql.instant(ps, 10, t.at());
      }
      if (ps.executeUpdate() != 1) {
        if (fenced) {
          refuseIfLeaseLost(c, t);
        }
        return Optional.empty();
      }
    }
    String data =
        "{\"from\":\""
            + t.from().wire()
            + "\",\"to\":\""
            + t.to().wire()
            + "\""
            + (t.reason() == null ? "" : ",\"reason\":" + EventStore.quote(t.reason()))
            + "}";
    EventStore.insert(c, t.jobId(), null, null, "job.state", t.lastStep(), data, t.at());
    Optional<Job> after = get(c, t.jobId());
    if (t.machine() != null && after.isPresent()) {
      MachineStates.change(c, after.get().machineId(), t.machine());
    }
    return after;
  }

  /** Why a fenced change matched no row: the lease (thrown) or the state moved on (returns). */
  private static void refuseIfLeaseLost(Connection c, Transition t) throws SQLException {
    Job now = get(c, t.jobId()).orElse(null);
    if (now == null) {
      return;
    }
    boolean holds =
        t.leaseOwner().equals(now.leaseOwner())
            && now.leaseUntil() != null
            && now.leaseUntil().isAfter(t.at());
    if (!holds) {
      throw new LeaseLostException(t.jobId(), t.leaseOwner(), now.leaseOwner());
    }
  }

  /**
   * Appends a dispatcher event and, when it is accepted, records the step it starts ({@code
   * startsStep}, may be null) and the state change {@code change} decides from the job's current
   * state (null, or a change that gives null: none), all in one transaction that is on disk when
   * this returns. The state change is a compare-and-set like {@link #transition(Transition)}.
   */
  public EventStore.Appended appendEvent(
      String jobId,
      String eventId,
      long seq,
      String type,
      String step,
      String data,
      Instant at,
      String startsStep,
      Function<JobState, Transition> change) {
    return db.txDurable(
        c -> {
          EventStore.Appended a = EventStore.append(c, jobId, eventId, seq, type, step, data, at);
          if (a.outcome() == EventStore.Outcome.ACCEPTED) {
            if (startsStep != null) {
              lastStep(c, jobId, startsStep, at);
            }
            if (change != null) {
              change(c, jobId, change);
            }
          }
          return a;
        });
  }

  /**
   * Applies the state change {@code change} decides from the job's current state (null: none) in
   * one transaction that is on disk when this returns.
   *
   * @return the job after the change, or empty when there was none (or no such job)
   */
  public Optional<Job> changeDurably(String jobId, Function<JobState, Transition> change) {
    return db.txDurable(c -> change(c, jobId, change));
  }

  private static Optional<Job> change(
      Connection c, String jobId, Function<JobState, Transition> change) throws SQLException {
    JobState now = state(c, jobId).orElse(null);
    Transition t = now == null ? null : change.apply(now);
    return t == null ? Optional.empty() : transition(c, t);
  }

  /** Records the step a job is at, inside the caller's transaction. */
  public static void lastStep(Connection c, String id, String step, Instant at)
      throws SQLException {
    try (StatementCache.Lease l =
        StatementCache.prepare(c, "UPDATE jobs SET last_step=?, updated_at=? WHERE id=?")) {
      PreparedStatement ps = l.ps();
      ps.setString(1, step);
      Sql.instant(ps, 2, at);
      ps.setString(3, id);
      ps.executeUpdate();
    }
  }

  /**
   * Marks a job for cancellation; the engine acts on it.
   *
   * @return the job, or empty when there is no such job
   */
  public Optional<Job> requestCancel(String id, Instant now) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET cancel_requested=1, updated_at=?, version=version+1"
                      + " WHERE id=? AND cancel_requested=0 AND state NOT IN "
                      + JobState.terminalSql())) {
            Sql.instant(ps, 1, now);
            ps.setString(2, id);
            if (ps.executeUpdate() == 1) {
              EventStore.insert(c, id, null, null, "job.cancel-requested", null, "{}", now);
            }
          }
          return get(c, id);
        });
  }

  /**
   * Claims up to {@code max} active jobs that no live lease holds and {@code owner} does not hold
   * yet, leasing them to {@code owner} until {@code until}. Each claim is a conditional update, so
   * two controllers racing for one job cannot both win.
   */
  public List<Job> claim(String owner, Instant now, Instant until, int max) {
    List<Job> candidates =
        db.tx(
            c ->
                many(
                    c,
                    "SELECT "
                        + COLS
                        + " FROM jobs WHERE state NOT IN "
                        + JobState.terminalSql()
                        // Not the jobs this owner holds already: they would fill the room
                        // meant for new ones (held() returns those).
                        + " AND (lease_owner IS NULL OR (lease_owner <> ? AND lease_until < "
                        + now.toEpochMilli()
                        + ")) ORDER BY created_at, id LIMIT "
                        + max,
                    owner));
    List<Job> won = new ArrayList<>();
    for (Job j : candidates) {
      db.tx(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE jobs SET lease_owner=?, lease_until=? WHERE id=? AND state NOT IN "
                        + JobState.terminalSql()
                        + " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)")) {
              ps.setString(1, owner);
              Sql.instant(ps, 2, until);
              ps.setString(3, j.id());
              ps.setString(4, owner);
              Sql.instant(ps, 5, now);
              if (ps.executeUpdate() == 1) {
                get(c, j.id()).ifPresent(won::add);
              }
            }
            return null;
          });
    }
    return won;
  }

  /** How many jobs are in each state. */
  public java.util.Map<JobState, Long> countByState() {
    return db.tx(
        c -> {
          java.util.Map<JobState, Long> m = new java.util.EnumMap<>(JobState.class);
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT state, COUNT(*) FROM jobs GROUP BY state");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              m.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
            }
          }
          return m;
        });
  }

  /** The active jobs {@code owner} holds a lease on. */
  public List<Job> held(String owner) {
    return db.tx(
        c ->
            many(
                c,
                "SELECT "
                    + COLS
                    + " FROM jobs WHERE lease_owner = ? AND state NOT IN "
                    + JobState.terminalSql()
                    + " ORDER BY created_at, id",
                owner));
  }

  /**
   * What the engine's tick needs of a held job to decide whether to drive it now: its state, a
   * pending cancel and the state's deadline (the rest is read when the job is driven).
   */
  public record HeldJob(String id, JobState state, boolean cancelRequested, Instant deadlineAt) {

    public static HeldJob of(Job j) {
      return new HeldJob(j.id(), j.state(), j.cancelRequested(), j.deadlineAt());
    }
  }

  /**
   * {@link #held(String)} narrowed to {@link HeldJob}: the engine reads it every tick, for every
   * job it drives (a thousand at once), so it leaves out the recipe, inputs and secrets.
   */
  public List<HeldJob> heldJobs(String owner) {
    return db.tx(
        c -> {
          try (StatementCache.Lease l =
              StatementCache.prepare(
                  c,
                  "SELECT id, state, cancel_requested, deadline_at FROM jobs WHERE lease_owner = ?"
                      + " AND state NOT IN "
                      + JobState.terminalSql()
                      + " ORDER BY created_at, id")) {
            PreparedStatement ps = l.ps();
            ps.setString(1, owner);
            List<HeldJob> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new HeldJob(
                        rs.getString(1),
                        JobState.valueOf(rs.getString(2)),
                        rs.getInt(3) != 0,
                        Sql.instant(rs, "deadline_at")));
              }
            }
            return out;
          }
        });
  }

  /** Extends every lease {@code owner} holds on active jobs; returns how many. */
  public int renewLeases(String owner, Instant until) {
    return db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET lease_until=? WHERE lease_owner=? AND state NOT IN "
                      + JobState.terminalSql())) {
            Sql.instant(ps, 1, until);
            ps.setString(2, owner);
            return ps.executeUpdate();
          }
        });
  }

  /** Gives up a lease (on shutdown) so another controller can take the job at once. */
  public void release(String id, String owner) {
    db.tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET lease_owner=NULL, lease_until=NULL WHERE id=? AND lease_owner=?")) {
            ps.setString(1, id);
            ps.setString(2, owner);
            return ps.executeUpdate();
          }
        });
  }

  /** One job by a fixed query of one argument, on a statement kept prepared. */
  private static Optional<Job> cachedOne(Connection c, String sql, String arg) throws SQLException {
    try (StatementCache.Lease l = StatementCache.prepare(c, sql)) {
      PreparedStatement ps = l.ps();
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static List<Job> many(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      List<Job> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    }
  }

  private static Job read(ResultSet rs) throws SQLException {
    return new Job(
        rs.getString("id"),
        rs.getString("machine_id"),
        rs.getString("machine_name"),
        rs.getString("bmc_host"),
        rs.getString("recipe"),
        JobState.valueOf(rs.getString("state")),
        rs.getString("reason"),
        rs.getString("last_step"),
        Sql.instant(rs, "deadline_at"),
        rs.getInt("cancel_requested") != 0,
        rs.getString("token_hash"),
        rs.getString("secret"),
        rs.getString("media_id"),
        rs.getLong("next_seq"),
        rs.getString("lease_owner"),
        Sql.instant(rs, "lease_until"),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"),
        Sql.instant(rs, "finished_at"),
        Sql.map(rs.getString("inputs")));
  }
}
