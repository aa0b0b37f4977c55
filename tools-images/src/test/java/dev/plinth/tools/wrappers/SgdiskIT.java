/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plinth-sgdisk against loop devices: partition (GPT + filesystems) and wipe. */
class SgdiskIT {
  static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
  static final String MSR = "E3C9E316-0B5C-4DB8-817D-F92DF00215AE";
  static final String SWAP = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F";
  static final String ROOT = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709";
  static final String BASIC = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";

  @TempDir Path tmp;

  @BeforeAll
  static void root() {
    Privileges.assumeRoot();
  }

  ToolRunner tool(LoopDisk d) {
    return new ToolRunner("sgdisk").env("PLINTH_TARGET_DISK", d.dev);
  }

  @Test
  void partitionsMakesTheGptAndFilesystems() throws Exception {
    try (LoopDisk d = LoopDisk.create(tmp, 400L << 20)) {
      var r =
          tool(d)
              .run(
                  "partition",
                  "--table",
                  "gpt",
                  "--part",
                  "1:ESP:67108864:" + ESP + ":vfat",
                  "--part",
                  "2:MSR:16777216:" + MSR + ":none",
                  "--part",
                  "3:swap:16777216:" + SWAP + ":swap",
                  "--part",
                  "4:data:33554433:" + BASIC + ":ntfs",
                  "--part",
                  "5:root:rest:" + ROOT + ":ext4");
      assertThat(r.exit()).as(r.toString()).isZero();
      String table = Sh.run("sgdisk", "-p", d.dev);
      assertThat(table)
          .containsPattern("1\\s+2048\\s+133119\\s+64\\.0 MiB\\s+EF00\\s+ESP")
          .containsPattern("2\\s+133120\\s+165887\\s+16\\.0 MiB\\s+0C01\\s+MSR")
          .containsPattern("3\\s+165888\\s+198655\\s+16\\.0 MiB\\s+8200\\s+swap")
          // 32 MiB + 1 byte is rounded up to whole MiB
          .containsPattern("4\\s+198656\\s+266239\\s+33\\.0 MiB\\s+0700\\s+data")
          .containsPattern("5\\s+266240\\s+\\d+\\s+[\\d.]+ MiB\\s+8304\\s+root");
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "TYPE", d.part(1))).isEqualTo("vfat\n");
      assertThat(Sh.sh("blkid -p -o value -s TYPE " + d.part(2) + " || true")).isEmpty(); // none
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "TYPE", d.part(3))).isEqualTo("swap\n");
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "TYPE", d.part(4))).isEqualTo("ntfs\n");
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "TYPE", d.part(5))).isEqualTo("ext4\n");
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "LABEL", d.part(5)))
          .isEqualTo("root\n");
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "PART_ENTRY_TYPE", d.part(1)))
          .isEqualToIgnoringCase(ESP + "\n");
    }
  }

  @Test
  void diskTooSmallIsRefusedUntouched() throws Exception {
    try (LoopDisk d = LoopDisk.create(tmp, 64L << 20)) {
      Sh.run("sgdisk", "-o", "-n", "1:0:0", "-c", "1:old", d.dev);
      String before = d.sha256();
      var r =
          tool(d).run("partition", "--table", "gpt", "--part", "1:root:67108864:" + ROOT + ":ext4");
      assertThat(r.exit()).as(r.toString()).isEqualTo(3);
      assertThat(r.stderr()).contains("nothing was changed").contains(d.dev);
      assertThat(d.sha256()).isEqualTo(before);
    }
  }

  @Test
  void notAWholeTargetDiskIsRefused() throws Exception {
    try (LoopDisk d = LoopDisk.create(tmp, 64L << 20)) {
      Sh.run("sgdisk", "-o", "-n", "1:0:0", "-c", "1:old", d.dev);
      String part = d.part(1);
      var r =
          new ToolRunner("sgdisk")
              .env("PLINTH_TARGET_DISK", part)
              .run("partition", "--table", "gpt", "--part", "1:root:rest:" + ROOT + ":ext4");
      assertThat(r.exit()).as(r.toString()).isEqualTo(3);
      assertThat(r.stderr()).contains("is a partition");
      var unset = new ToolRunner("sgdisk").run("wipe", "--method", "zero", "--disks", "target");
      assertThat(unset.exit()).isEqualTo(3);
      assertThat(unset.stderr()).contains("PLINTH_TARGET_DISK is not set");
    }
  }

  @Test
  void dryRunPrintsAndChangesNothing() throws Exception {
    try (LoopDisk d = LoopDisk.create(tmp, 128L << 20)) {
      String before = d.sha256();
      var r =
          tool(d)
              .run(
                  "--dry-run",
                  "partition",
                  "--table",
                  "gpt",
                  "--part",
                  "1:ESP:33554432:" + ESP + ":vfat",
                  "--part",
                  "2:root:rest:" + ROOT + ":xfs");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stdout())
          .contains("+ sgdisk --zap-all " + d.dev + "\n")
          .contains("-n 1:0:+32M -t 1:" + ESP + " -c 1:ESP -n 2:0:0")
          .contains("+ mkfs.vfat -F 32 -n ESP " + d.dev + "p1\n")
          .contains("+ mkfs.xfs -f -q -L root " + d.dev + "p2\n");
      var w =
          tool(d).env("PLINTH_DRY_RUN", "1").run("wipe", "--method", "zero", "--disks", "target");
      assertThat(w.exit()).isZero();
      assertThat(w.stdout()).contains("+ blkdiscard -z -f " + d.dev);
      assertThat(d.sha256()).isEqualTo(before);
    }
  }

  @Test
  void wipeSignaturesZeroAndVerify() throws Exception {
    try (LoopDisk a = LoopDisk.create(tmp, 64L << 20);
        LoopDisk b = LoopDisk.create(tmp, 64L << 20)) {
      for (LoopDisk d : new LoopDisk[] {a, b}) {
        Sh.run("sgdisk", "-o", "-n", "1:0:0", "-c", "1:old", d.dev);
        Sh.run("mkfs.ext4", "-q", "-F", d.part(1));
      }
      var sig = tool(a).run("wipe", "--method", "signatures", "--disks", "target", "--verify");
      assertThat(sig.exit()).as(sig.toString()).isZero();
      assertThat(Sh.status("blkid", "-p", a.dev)).isEqualTo(2);
      // no GPT left: sgdisk starts a new one in memory and lists no partition
      assertThat(Sh.run("sgdisk", "-p", a.dev))
          .contains("Creating new GPT entries")
          .doesNotContainPattern("(?m)^\\s+1\\s+\\d+");

      var zero =
          tool(a)
              .env("PLINTH_ALL_DISKS", a.dev + " " + b.dev)
              .run("wipe", "--method", "zero", "--disks", "all", "--verify");
      assertThat(zero.exit()).as(zero.toString()).isZero();
      assertThat(zero.stderr()).contains("verified " + a.dev).contains("verified " + b.dev);
      assertThat(b.read(0, 4 << 20)).containsOnly(0);
      assertThat(a.read(1024, 4096)).containsOnly(0);

      var secure = tool(a).run("wipe", "--method", "secure-erase", "--disks", "target");
      assertThat(secure.exit()).as(secure.toString()).isEqualTo(6);
      assertThat(secure.stderr()).contains("neither NVMe nor ATA").contains("--method zero");
    }
  }

  @Test
  void wipeDiscardReleasesTheBlocks() throws Exception {
    // a loop device passes discard to its backing file as a punched hole: the blocks mkfs and the
    // data below allocated are given back, which a zero-writing fallback could not do
    try (LoopDisk d = LoopDisk.create(tmp, 64L << 20)) {
      Sh.run("sgdisk", "-o", "-n", "1:0:0", "-c", "1:old", d.dev);
      Sh.run("mkfs.ext4", "-q", "-F", d.part(1));
      byte[] data = new byte[8 << 20];
      new java.util.Random(5).nextBytes(data);
      d.write(16L << 20, data);
      long before = allocatedKiB(d);
      assertThat(before).isGreaterThan(8 << 10);
      var r = tool(d).run("wipe", "--method", "discard", "--disks", "target", "--verify");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stdout()).contains("+ blkdiscard -f " + d.dev + "\n");
      assertThat(r.stderr()).contains("verified " + d.dev);
      assertThat(Sh.status("blkid", "-p", d.dev)).isEqualTo(2);
      assertThat(allocatedKiB(d)).as("KiB allocated after the discard").isLessThan(1024);
      assertThat(d.read(16L << 20, 4096)).containsOnly(0);
    }
  }

  static long allocatedKiB(LoopDisk d) throws Exception {
    Sh.status("blockdev", "--flushbufs", d.dev);
    Sh.status("sync");
    return Long.parseLong(Sh.run("du", "-k", d.file.toString()).split("\\s+")[0]);
  }
}
