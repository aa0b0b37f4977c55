/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.controller.store.ConflictException;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.MachineState;
import dev.plinth.controller.store.MachineStates;
import dev.plinth.controller.store.MachineStore;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs move their machine in the same transaction as their own changes: submission to Provisioning
 * (refused, storing nothing, where the machine takes no jobs), and each way a job ends.
 */
class MachineLifecycleTest {

  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

  @TempDir Path dir;
  Database db;
  JobStore jobs;
  MachineStates states;
  MachineLifecycle machines;
  JobLifecycle lifecycle;
  String machineId;
  int n;

  @BeforeEach
  void open() {
    db = Database.sqlite(dir.resolve("plinth.db"));
    jobs = new JobStore(db);
    states = new MachineStates(db);
    InstantSource clock = InstantSource.fixed(T0);
    machines = new MachineLifecycle(states, clock);
    lifecycle = new JobLifecycle(jobs, JobSettings.builtIn(), clock);
    machineId = new MachineStore(db).create(record(Machine.class, Map.of())).id();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private MachineState state() {
    return states.get(machineId).orElseThrow().state();
  }

  private Job submit() {
    n++;
    return lifecycle.create(
        record(
            Job.class,
            Map.of(
                "id", "j" + n,
                "state", JobState.PENDING,
                "tokenHash", "t" + n,
                "mediaId", "media" + n,
                "inputs", Map.of())));
  }

  private Job fire(Job j, LifecycleEvent... events) {
    for (LifecycleEvent e : events) {
      j = lifecycle.fire(j, e, null).orElseThrow(() -> new AssertionError(e + " refused"));
    }
    return j;
  }

  @Test
  void aNewMachineEnrolsThenEachJobMovesIt() {
    assertThat(state()).isEqualTo(MachineState.ENROLLING);
    assertThatThrownBy(this::submit)
        .isInstanceOf(MachineLifecycle.Refused.class)
        .hasMessageContaining("machine m is enrolling")
        .hasMessageContaining("plinth machines inspect m");
    assertThat(jobs.get("j1")).isEmpty();

    machines.fire(machineId, "m", MachineEvent.ENROLLED, "checked");
    assertThat(state()).isEqualTo(MachineState.AVAILABLE);

    Job j = submit();
    assertThat(state()).isEqualTo(MachineState.PROVISIONING);
    // A second job is refused by the one-active-job rule, as before.
    assertThatThrownBy(this::submit).isInstanceOf(ConflictException.class);
    assertThat(state()).isEqualTo(MachineState.PROVISIONING);
    fire(
        j,
        LifecycleEvent.TASK_ISO_BUILT,
        LifecycleEvent.BOOT_STARTED,
        LifecycleEvent.BOOTED,
        LifecycleEvent.FINISHED,
        LifecycleEvent.RETURNED_TO_DISK);
    assertThat(state()).isEqualTo(MachineState.PROVISIONED);
    assertThat(states.get(machineId).orElseThrow().reason()).isEqualTo("job j2 Succeeded");

    fire(submit(), LifecycleEvent.TASK_ISO_BUILT, LifecycleEvent.DEADLINE_PASSED);
    assertThat(state()).isEqualTo(MachineState.FAILED);

    // Canceled before the machine was told to boot: back to what it was (failed).
    fire(submit(), LifecycleEvent.TASK_ISO_BUILT, LifecycleEvent.CANCEL);
    assertThat(state()).isEqualTo(MachineState.FAILED);

    // Canceled once it booted the task: its disks may be written, so merely available.
    fire(
        submit(),
        LifecycleEvent.TASK_ISO_BUILT,
        LifecycleEvent.BOOT_STARTED,
        LifecycleEvent.CANCEL);
    assertThat(state()).isEqualTo(MachineState.AVAILABLE);

    fire(submit(), LifecycleEvent.FAIL);
    assertThat(state()).isEqualTo(MachineState.FAILED);
  }

  @Test
  void maintenanceAndDecommissioningRefuseJobs() {
    machines.fire(machineId, "m", MachineEvent.ENROLLED, null);
    fire(
        submit(),
        LifecycleEvent.TASK_ISO_BUILT,
        LifecycleEvent.BOOT_STARTED,
        LifecycleEvent.BOOTED,
        LifecycleEvent.FINISHED,
        LifecycleEvent.RETURNED_TO_DISK);
    machines.fire(machineId, "m", MachineEvent.MAINTENANCE_ON, "new DIMMs");
    assertThat(state()).isEqualTo(MachineState.MAINTENANCE);
    assertThatThrownBy(this::submit)
        .isInstanceOf(MachineLifecycle.Refused.class)
        .hasMessageContaining("machine m is in maintenance (new DIMMs)")
        .hasMessageContaining("maintenance m off");
    assertThat(jobs.get("j2")).isEmpty();
    assertThatThrownBy(() -> machines.fire(machineId, "m", MachineEvent.MAINTENANCE_ON, null))
        .isInstanceOf(MachineLifecycle.Refused.class);

    // Maintenance ends where it began.
    machines.fire(machineId, "m", MachineEvent.MAINTENANCE_OFF, null);
    assertThat(state()).isEqualTo(MachineState.PROVISIONED);

    Job j = submit();
    assertThatThrownBy(() -> machines.fire(machineId, "m", MachineEvent.MAINTENANCE_ON, null))
        .isInstanceOf(MachineLifecycle.Refused.class)
        .hasMessageContaining("cancel the job first");
    assertThatThrownBy(() -> machines.fire(machineId, "m", MachineEvent.DECOMMISSION, null))
        .isInstanceOf(MachineLifecycle.Refused.class);
    fire(j, LifecycleEvent.CANCEL);
    assertThat(state()).isEqualTo(MachineState.PROVISIONED);

    machines.fire(machineId, "m", MachineEvent.DECOMMISSION, "retired");
    assertThat(state()).isEqualTo(MachineState.DECOMMISSIONING);
    assertThatThrownBy(this::submit)
        .isInstanceOf(MachineLifecycle.Refused.class)
        .hasMessageContaining("decommissioned");
    assertThatThrownBy(() -> machines.fire(machineId, "m", MachineEvent.MAINTENANCE_OFF, null))
        .isInstanceOf(MachineLifecycle.Refused.class);
  }

  /**
   * A record of {@code type} with {@code values} by component name and plain values elsewhere, so
   * that this test does not follow every new column of a store record.
   */
  private <T extends Record> T record(Class<T> type, Map<String, Object> values) {
    try {
      RecordComponent[] cs = type.getRecordComponents();
      Object[] args = new Object[cs.length];
      Class<?>[] types = new Class<?>[cs.length];
      Map<String, Object> v = new HashMap<>(values);
      v.putIfAbsent("id", "m1");
      v.putIfAbsent("name", "m");
      v.putIfAbsent("machineId", machineId);
      v.putIfAbsent("machineName", "m");
      v.putIfAbsent("bmcUrl", "https://10.0.0.1");
      v.putIfAbsent("labels", Map.of());
      for (int i = 0; i < cs.length; i++) {
        types[i] = cs[i].getType();
        Object d =
            switch (cs[i].getType().getSimpleName()) {
              case "String" -> cs[i].getName().endsWith("At") ? null : "x";
              case "boolean" -> false;
              case "long" -> 1L;
              case "int" -> 1;
              case "Instant" -> T0;
              default -> null;
            };
        args[i] = v.getOrDefault(cs[i].getName(), d);
      }
      return type.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
