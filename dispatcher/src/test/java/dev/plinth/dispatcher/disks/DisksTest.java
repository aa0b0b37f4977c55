/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.disks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.DiskRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisksTest {

  @TempDir Path tmp;

  private void disk(
      String name,
      long sectors,
      boolean rotational,
      boolean removable,
      String model,
      String serial,
      String link)
      throws Exception {
    Path real = Files.createDirectories(tmp.resolve("devices").resolve(link).resolve(name));
    Files.writeString(real.resolve("size"), sectors + "\n");
    Files.writeString(real.resolve("removable"), removable ? "1\n" : "0\n");
    Files.createDirectories(real.resolve("queue"));
    Files.writeString(real.resolve("queue/rotational"), rotational ? "1\n" : "0\n");
    Files.createDirectories(real.resolve("device"));
    Files.writeString(real.resolve("device/model"), model + "  \n");
    Files.writeString(real.resolve("device/serial"), serial + "\n");
    Files.createDirectories(tmp.resolve("block"));
    Files.createSymbolicLink(tmp.resolve("block").resolve(name), real);
  }

  @Test
  void inventoryReadsWholeDisksFromSysfs() throws Exception {
    disk("sda", 937_703_088L, false, false, "SAMSUNG MZ7", "S1", "pci0000:00/ata1/host0");
    disk("sdb", 7_814_037_168L, true, false, "HGST HUS7", "S2", "pci0000:00/ata2/host1");
    disk("sdc", 60_000_000L, false, true, "USB STICK", "S3", "pci0000:00/usb1/1-1");
    disk("nvme0n1", 1_875_385_008L, false, false, "INTEL SSDPE", "S4", "pci0000:00/nvme/nvme0");
    disk("loop0", 100L, false, false, "", "", "virtual");
    disk("sda1", 100L, false, false, "", "", "pci0000:00/ata1/host0/sda");
    Files.createDirectories(tmp.resolve("by-path"));
    Files.createSymbolicLink(tmp.resolve("by-path/pci-0000:00:17.0-ata-2"), Path.of("../../sdb"));
    List<BlockDisk> disks = new DiskInventory(tmp.resolve("block"), tmp.resolve("by-path")).disks();
    assertThat(disks).extracting(BlockDisk::name).containsExactly("nvme0n1", "sda", "sdb", "sdc");
    BlockDisk sdb = disks.get(2);
    assertThat(sdb.sizeBytes()).isEqualTo(7_814_037_168L * 512);
    assertThat(sdb.rotational()).isTrue();
    assertThat(sdb.model()).isEqualTo("HGST HUS7");
    assertThat(sdb.transport()).isEqualTo("sata");
    assertThat(sdb.byPath()).containsExactly("pci-0000:00:17.0-ata-2");
    assertThat(disks.get(0).transport()).isEqualTo("nvme");
    assertThat(disks.get(3).transport()).isEqualTo("usb");
    assertThat(disks.get(3).removable()).isTrue();
    assertThat(new DiskInventory(tmp.resolve("none"), tmp.resolve("none")).disks()).isEmpty();
  }

  @Test
  void selectorAppliesEveryRuleThenPrefersBySize() {
    List<BlockDisk> sim = DiskInventory.simulated();
    assertThat(DiskSelector.select(null, sim)).map(BlockDisk::name).contains("sda");
    assertThat(
            DiskSelector.select(
                new DiskRules(null, null, null, null, null, null, null, null, DiskRules.LARGEST),
                sim))
        .map(BlockDisk::name)
        .contains("sdb");
    assertThat(
            DiskSelector.select(
                new DiskRules(null, null, null, null, true, null, null, null, null), sim))
        .map(BlockDisk::name)
        .contains("sdb");
    assertThat(
            DiskSelector.select(
                new DiskRules(
                    null, "sim-hdd-0002", null, null, null, "sata", 1L, 5_000_000_000_000L, null),
                sim))
        .map(BlockDisk::name)
        .contains("sdb");
    assertThat(
            DiskSelector.select(
                new DiskRules(
                    "pci-0000:00:17.0-ata-1",
                    null,
                    null,
                    "SIMULATED SSD",
                    null,
                    null,
                    null,
                    null,
                    null),
                sim))
        .map(BlockDisk::name)
        .contains("sda");
    assertThat(
            DiskSelector.select(
                new DiskRules(null, null, null, null, null, "nvme", null, null, null), sim))
        .isEmpty();
    assertThat(
            DiskSelector.select(
                new DiskRules(null, null, "x", null, null, null, null, null, null), sim))
        .isEmpty();
    assertThat(
            DiskSelector.select(
                new DiskRules(null, null, null, null, null, null, null, 1_000L, null), sim))
        .isEmpty();
    BlockDisk usb = new BlockDisk("sdz", 1L << 40, false, true, "usb", "", "", "", List.of());
    assertThat(DiskSelector.candidates(List.of(usb))).isEmpty();
  }
}
