/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.Layout;
import dev.plinth.controller.media.MaintenanceIso;
import dev.plinth.controller.media.MediaRoutes;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobEvent;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.MachineStore;
import dev.plinth.controller.store.Transition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers' engines on one store: a cancel asked of the controller that does not drive the
 * job reaches the one that does, and a controller that stops (without giving its leases back, as
 * after {@code kill -9}) has its job taken over once the lease runs out, by the other one, which
 * then fires the job's deadline; a controller that stalled past its lease has its write refused.
 */
class EnginesTakeOverTest {

  static final Duration LEASE = Duration.ofSeconds(2);

  @TempDir Path dir;
  final SecretBox box = SecretBox.of(new byte[32]);
  final InstantSource clock = InstantSource.system();
  final JobSettings settings = settings();
  final EnginesShareBmcLimitTest.CountingBmc bmc = new EnginesShareBmcLimitTest.CountingBmc();
  Database db;
  JobStore jobs;
  Layout layout;

  static JobSettings settings() {
    JobSettings b = JobSettings.builtIn();
    return new JobSettings(
        b.pending(),
        b.mediaReady(),
        b.booting(),
        b.running(),
        b.finishing(),
        10,
        1,
        LEASE,
        Duration.ofMillis(100));
  }

  @BeforeEach
  void open() {
    db = Database.sqlite(dir.resolve("plinth.db"));
    jobs = new JobStore(db);
    layout = new Layout(dir.resolve("data"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void cancelAskedOfTheOtherControllerEndsTheJobItsHolderDrives() throws Exception {
    String id = runningJob(Instant.now().plusSeconds(600));
    Engine a = engine("ctl-a").start();
    try {
      await(() -> "ctl-a".equals(jobs.get(id).orElseThrow().leaseOwner()), "A leases the job");
      // Controller B's API: the job service marks the job in the store, B's engine is not told.
      new JobLifecycle(jobs, settings, clock).requestCancel(id);
      await(() -> jobs.get(id).orElseThrow().state() == JobState.CANCELED, "the job is canceled");
    } finally {
      a.close();
    }
    assertThat(jobs.get(id).orElseThrow().reason()).isEqualTo("canceled by request");
    assertThat(leases(id)).containsExactly("ctl-a");
  }

  @Test
  void aStoppedControllersJobIsTakenOverAfterTheLeaseAndTimesOutThere() throws Exception {
    Instant deadline = Instant.now().plusSeconds(3);
    String id = runningJob(deadline);
    Engine a = engine("ctl-a").start();
    await(() -> "ctl-a".equals(jobs.get(id).orElseThrow().leaseOwner()), "A leases the job");
    a.close(); // stops without giving the lease back, as a killed controller does
    Instant stopped = Instant.now();
    Engine b = engine("ctl-b").start();
    try {
      await(
          () -> jobs.get(id).orElseThrow().state() == JobState.TIMED_OUT,
          "B times the job out once it holds it");
    } finally {
      b.close();
    }
    Job j = jobs.get(id).orElseThrow();
    assertThat(j.leaseOwner()).isEqualTo("ctl-b");
    assertThat(j.reason()).startsWith("no progress in Running");
    assertThat(leases(id)).containsExactly("ctl-a", "ctl-b");
    JobEvent takeover =
        new EventStore(db)
            .list(id, 0, 100).stream()
                .filter(e -> Engine.LEASED.equals(e.type()))
                .toList()
                .getLast();
    assertThat(takeover.at())
        .as("not before A's lease ran out")
        .isAfter(stopped.plus(LEASE).minusMillis(1100));
    assertThat(j.finishedAt()).isAfter(deadline);
  }

  @Test
  void aControllerThatStalledPastItsLeaseHasItsWriteRefusedAndTouchesNothing() throws Exception {
    String id = runningJob(Instant.now().plusSeconds(600));
    jobs.requestCancel(id, Instant.now()); // what A will act on when it wakes up
    Instant t0 = Instant.now();
    assertThat(jobs.claim("ctl-a", t0, t0.plus(LEASE), 10)).extracting(Job::id).contains(id);
    Job seenByA = jobs.get(id).orElseThrow(); // A checked its lease and read the job, then stalls
    Path taskIso = MediaRoutes.taskIso(layout, id);
    Files.createDirectories(taskIso.getParent());
    Files.writeString(taskIso, "task iso");

    Instant woke = t0.plus(LEASE).plusSeconds(1);
    assertThat(jobs.claim("ctl-b", woke, woke.plus(LEASE), 10)).extracting(Job::id).contains(id);
    Engine a = engine("ctl-a", () -> woke);
    try {
      assertThat(a.advance(seenByA)).isFalse();
    } finally {
      a.close();
    }
    Job j = jobs.get(id).orElseThrow();
    assertThat(j.state()).as("A's cancel was refused").isEqualTo(JobState.RUNNING);
    assertThat(j.leaseOwner()).isEqualTo("ctl-b");
    assertThat(bmc.most.get()).as("A opened no BMC session to eject media").isZero();
    assertThat(taskIso).as("A left the job's media alone").exists();

    Engine b = engine("ctl-b").start();
    try {
      await(() -> jobs.get(id).orElseThrow().state() == JobState.CANCELED, "B cancels the job");
    } finally {
      b.close();
    }
    assertThat(bmc.most.get()).as("B ejected the media").isEqualTo(1);
    assertThat(taskIso).doesNotExist();
  }

  private List<String> leases(String id) {
    return new EventStore(db)
        .list(id, 0, 100).stream()
            .filter(e -> Engine.LEASED.equals(e.type()))
            .map(e -> e.data().replaceAll(".*\"owner\":\"([^\"]+)\".*", "$1"))
            .toList();
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(20);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  /** A job in Running (its dispatcher at work) with {@code deadline}, leased by nobody. */
  private String runningJob(Instant deadline) {
    Instant now = clock.instant();
    MachineStore machines = new MachineStore(db);
    Machine m =
        machines.create(
            new Machine(
                "m-1",
                "blade1",
                "https://bmc.example:443/redfish/v1/Systems/1",
                "root",
                box.seal("pw", BmcTargets.context("m-1")),
                false,
                Map.of(),
                null,
                1,
                now,
                now));
    String job = "j-1";
    jobs.create(
        new Job(
            job,
            m.id(),
            m.name(),
            "bmc.example:443",
            "{}",
            JobState.PENDING,
            null,
            null,
            now.plusSeconds(60),
            false,
            "h1",
            "s",
            "media1",
            1,
            null,
            null,
            1,
            now,
            now,
            null));
    // Straight to Running (test set-up, not the engine's path).
    Transition[] path = {
      new Transition(job, JobState.PENDING, JobState.MEDIA_READY, null, null, deadline, now),
      new Transition(job, JobState.MEDIA_READY, JobState.BOOTING, null, null, deadline, now),
      new Transition(job, JobState.BOOTING, JobState.RUNNING, null, null, deadline, now)
    };
    for (Transition t : path) {
      assertThat(jobs.transition(t)).isPresent();
    }
    return job;
  }

  private Engine engine(String owner) {
    return engine(owner, clock);
  }

  private Engine engine(String owner, InstantSource clock) {
    return new Engine(
        jobs,
        new MachineStore(db),
        new EventStore(db),
        bmc,
        box,
        new TaskBuilder(null, "registry.example"),
        layout,
        settings,
        clock,
        owner,
        "http://controller.example",
        JobMetrics.none(jobs),
        new MaintenanceIso(layout.root().resolve("maintenance.iso")));
  }
}
