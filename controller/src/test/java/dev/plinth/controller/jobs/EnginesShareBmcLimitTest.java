/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.Layout;
import dev.plinth.controller.media.MaintenanceIso;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.MachineStore;
import dev.plinth.controller.store.Transition;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines (two controllers) on one store respect one {@code maxPerBmc} together: jobs on
 * machines behind one BMC host, each in Finishing (its side effect is one BMC session, the return
 * to disk), are driven by both engines, and the BMC never sees more than one session at a time.
 */
class EnginesShareBmcLimitTest {

  @TempDir Path dir;

  /** A BMC that counts its open sessions; each return to disk takes a while. */
  static final class CountingBmc implements BmcDriver {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    @Override
    public Session open(Target target) {
      most.accumulateAndGet(open.incrementAndGet(), Math::max);
      return new Session() {
        @Override
        public void bootFromMedia(URI maintenanceIso, URI taskIso, Supplier<URI> oneSlot) {}

        @Override
        public boolean bootedWith(URI iso) {
          return false;
        }

        @Override
        public void bootFromDisk() {
          try {
            Thread.sleep(60);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public void ejectMedia() {}

        @Override
        public String inventoryJson() {
          return "{}";
        }

        @Override
        public String power(String action) {
          return action;
        }

        @Override
        public void close() {
          open.decrementAndGet();
        }
      };
    }
  }

  @Test
  void twoEnginesOnOneStoreOpenAtMostMaxPerBmcSessions() throws Exception {
    SecretBox box = SecretBox.of(new byte[32]);
    InstantSource clock = InstantSource.system();
    Instant now = clock.instant();
    CountingBmc bmc = new CountingBmc();
    JobSettings settings = JobSettings.defaults().withLimits(3, 1);
    try (Database db = Database.sqlite(dir.resolve("plinth.db"))) {
      JobStore jobs = new JobStore(db);
      MachineStore machines = new MachineStore(db);
      int n = 8;
      for (int i = 0; i < n; i++) {
        String id = "m-" + i;
        Machine m =
            machines.create(
                new Machine(
                    id,
                    "blade" + i,
                    "https://chassis.example:443/redfish/v1/Systems/" + i,
                    "root",
                    box.seal("pw", BmcTargets.context(id)),
                    false,
                    Map.of(),
                    null,
                    1,
                    now,
                    now));
        String job = "j-" + i;
        jobs.create(
            new Job(
                job,
                m.id(),
                m.name(),
                "chassis.example:443",
                "{}",
                JobState.PENDING,
                null,
                null,
                now.plusSeconds(60),
                false,
                "h" + i,
                "s",
                "media" + i,
                1,
                null,
                null,
                1,
                now,
                now,
                null));
        // Straight to Finishing with success reported (test set-up, not the engine's path).
        Transition[] path = {
          new Transition(job, JobState.PENDING, JobState.MEDIA_READY, null, null, null, now),
          new Transition(job, JobState.MEDIA_READY, JobState.BOOTING, null, null, null, now),
          new Transition(job, JobState.BOOTING, JobState.RUNNING, null, null, null, now),
          new Transition(
              job,
              JobState.RUNNING,
              JobState.FINISHING,
              "succeeded",
              null,
              now.plusSeconds(60),
              now)
        };
        for (Transition t : path) {
          assertThat(jobs.transition(t)).isPresent();
        }
      }
      Set<String> drivers = ConcurrentHashMap.newKeySet();
      Layout layout = new Layout(dir.resolve("data"));
      Engine a = engine(db, bmc, box, layout, settings, clock, "ctl-a").start();
      Engine b = engine(db, bmc, box, layout, settings, clock, "ctl-b").start();
      try {
        Instant until = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(until)
            && jobs.countByState().getOrDefault(JobState.SUCCEEDED, 0L) < n) {
          jobs.active().forEach(j -> drivers.add(String.valueOf(j.leaseOwner())));
          Thread.sleep(20);
        }
      } finally {
        a.close();
        b.close();
      }
      assertThat(jobs.countByState()).containsEntry(JobState.SUCCEEDED, (long) n);
      assertThat(drivers).as("both controllers drove jobs").contains("ctl-a", "ctl-b");
      assertThat(bmc.most.get()).as("sessions on the one BMC at once").isEqualTo(1);
    }
  }

  private static Engine engine(
      Database db,
      BmcDriver bmc,
      SecretBox box,
      Layout layout,
      JobSettings settings,
      InstantSource clock,
      String owner) {
    JobStore jobs = new JobStore(db);
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
