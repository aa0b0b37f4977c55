/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.DiskRules;
import dev.plinth.contract.OnFailure;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import dev.plinth.dispatcher.disks.DiskInventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskResolverTest {

  @TempDir Path tmp;

  @Test
  void deviceClassesBecomePathsAndFilesBecomeReadOnlyMounts() throws Exception {
    Task t =
        TaskResolver.resolve(
            ContractFixtures.exampleTask(),
            DiskInventory::simulated,
            tmp.resolve("files"),
            tmp.resolve("target-disk"));
    TaskStep cd = t.step("config-drive");
    assertThat(cd.devices()).containsExactly("/dev/sda");
    assertThat(cd.env()).containsEntry("PLINTH_TARGET_DISK", "/dev/sda");
    assertThat(cd.files()).isEmpty();
    assertThat(cd.mounts())
        .extracting(m -> m.target() + " ro=" + m.readOnly())
        .containsExactly("/plinth/input/meta-data ro=true", "/plinth/input/user-data ro=true");
    assertThat(Files.readString(Path.of(cd.mounts().get(1).source())))
        .isEqualTo("#cloud-config\nhostname: m1\n");
    assertThat(Files.readString(tmp.resolve("target-disk"))).isEqualTo("/dev/sda\n");
    assertThat(t.step("write-image").mounts()).hasSize(1);
  }

  @Test
  void theChosenDiskIsKeptAcrossRestarts() throws Exception {
    Files.writeString(tmp.resolve("target-disk"), "/dev/sdq\n");
    Task t =
        TaskResolver.resolve(
            ContractFixtures.exampleTask(),
            DiskInventory::simulated,
            tmp.resolve("files"),
            tmp.resolve("target-disk"));
    assertThat(t.step("partition").devices()).containsExactly("/dev/sdq");
  }

  @Test
  void allDisksAndNoMatchingDisk() throws Exception {
    Task base = ContractFixtures.exampleTask();
    TaskStep wipe =
        new TaskStep(
            "wipe",
            base.steps().get(0).image(),
            List.of(),
            Map.of(),
            60,
            0,
            OnFailure.ABORT,
            List.of(TaskStep.ALL_DISKS, "/dev/sda"),
            List.of(),
            true);
    Task t =
        TaskResolver.resolve(
            base.withSteps(List.of(wipe)),
            DiskInventory::simulated,
            tmp.resolve("f"),
            tmp.resolve("t"));
    assertThat(t.steps().get(0).devices()).containsExactly("/dev/sda", "/dev/sdb");
    assertThat(t.steps().get(0).env()).doesNotContainKey("PLINTH_TARGET_DISK");

    Task nvmeOnly =
        base.withDisk(new DiskRules(null, null, null, null, null, "nvme", null, null, null));
    TaskResolver.NoTargetDisk e =
        assertThrows(
            TaskResolver.NoTargetDisk.class,
            () ->
                TaskResolver.resolve(
                    nvmeOnly, DiskInventory::simulated, tmp.resolve("f2"), tmp.resolve("t2")));
    assertThat(e.getMessage()).contains("no disk matches", "sda 480103981056 B sata");
  }
}
