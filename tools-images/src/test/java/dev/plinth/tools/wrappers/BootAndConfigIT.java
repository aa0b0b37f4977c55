/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plinth-linux-bootloader and plinth-config-drive on a disk partitioned by plinth-sgdisk. */
class BootAndConfigIT {
  @TempDir Path tmp;

  @BeforeAll
  static void root() {
    Privileges.assumeRoot();
  }

  LoopDisk linuxDisk(long bytes, boolean rest) throws Exception {
    LoopDisk d = LoopDisk.create(tmp, bytes);
    var r =
        new ToolRunner("sgdisk")
            .env("PLINTH_TARGET_DISK", d.dev)
            .run(
                "partition",
                "--table",
                "gpt",
                "--part",
                "1:ESP:67108864:" + SgdiskIT.ESP + ":vfat",
                "--part",
                "2:swap:8388608:" + SgdiskIT.SWAP + ":swap",
                "--part",
                "3:root:" + (rest ? "rest" : "67108864") + ":" + SgdiskIT.ROOT + ":ext4");
    assertThat(r.exit()).as(r.toString()).isZero();
    Path m = Files.createDirectories(tmp.resolve("m"));
    Sh.run("mount", d.part(3), m.toString());
    Sh.sh(
        "mkdir -p "
            + m
            + "/boot && echo kernel > "
            + m
            + "/boot/vmlinuz-6.12.0-1-amd64"
            + " && echo initrd > "
            + m
            + "/boot/initrd.img-6.12.0-1-amd64 && umount "
            + m);
    return d;
  }

  static String fat(String dev, String path) throws Exception {
    return Sh.sh("MTOOLS_SKIP_CHECK=1 mtype -i " + dev + " ::" + path + " 2>/dev/null");
  }

  @Test
  void grubAndFstab() throws Exception {
    try (LoopDisk d = linuxDisk(160L << 20, true)) {
      var r =
          new ToolRunner("linux-bootloader")
              .env("PLINTH_TARGET_DISK", d.dev)
              .env("PLINTH_EFIVARS", tmp.resolve("no-efivars").toString())
              .run(
                  "install",
                  "--loader",
                  "grub",
                  "--esp",
                  "ESP",
                  "--root",
                  "root",
                  "--entry",
                  "Ubuntu",
                  "--kernel-arg",
                  "console=ttyS0,115200n8",
                  "--kernel-arg",
                  "systemd.hostname=node-01");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stderr()).contains("the firmware boots the removable path EFI/BOOT/BOOTX64.EFI");
      String rootUuid = Sh.run("blkid", "-p", "-o", "value", "-s", "UUID", d.part(3)).strip();
      String espUuid = Sh.run("blkid", "-p", "-o", "value", "-s", "UUID", d.part(1)).strip();
      String swapUuid = Sh.run("blkid", "-p", "-o", "value", "-s", "UUID", d.part(2)).strip();
      // the EFI image is a PE file that embeds the search for the root filesystem
      String efi =
          Sh.sh(
              "MTOOLS_SKIP_CHECK=1 mtype -i "
                  + d.part(1)
                  + " ::/EFI/BOOT/BOOTX64.EFI 2>/dev/null | head -c 2");
      assertThat(efi).isEqualTo("MZ");
      assertThat(
              Sh.sh(
                  "MTOOLS_SKIP_CHECK=1 mtype -i "
                      + d.part(1)
                      + " ::/EFI/BOOT/BOOTX64.EFI 2>/dev/null | grep -a -c "
                      + rootUuid))
          .isEqualTo("1\n");
      Path m = Files.createDirectories(tmp.resolve("m"));
      Sh.run("mount", d.part(3), m.toString());
      try {
        assertThat(Files.readString(m.resolve("boot/grub/grub.cfg")))
            .contains("search --no-floppy --fs-uuid --set=root " + rootUuid)
            .contains(
                "linux /boot/vmlinuz-6.12.0-1-amd64 root=UUID="
                    + rootUuid
                    + " ro console=ttyS0,115200n8 systemd.hostname=node-01")
            .contains("initrd /boot/initrd.img-6.12.0-1-amd64")
            .contains("menuentry 'Ubuntu'");
        assertThat(m.resolve("boot/grub/x86_64-efi/normal.mod")).exists();
        assertThat(Files.readString(m.resolve("etc/fstab")))
            .contains("UUID=" + rootUuid + " / ext4 defaults 0 1\n")
            .contains("UUID=" + espUuid + " /boot/efi vfat umask=0077 0 2\n")
            .contains("UUID=" + swapUuid + " none swap sw 0 0\n");
      } finally {
        Sh.run("umount", m.toString());
      }
      var sd =
          new ToolRunner("linux-bootloader")
              .env("PLINTH_TARGET_DISK", d.dev)
              .env("PLINTH_EFIVARS", tmp.resolve("no-efivars").toString())
              .run("install", "--loader", "systemd-boot", "--esp", "ESP", "--entry", "Debian");
      assertThat(sd.exit()).as(sd.toString()).isZero();
      assertThat(fat(d.part(1), "/loader/entries/plinth.conf"))
          .contains(
              "title Debian\n",
              "linux /plinth/6.12.0-1-amd64/vmlinuz\n",
              "options root=UUID=" + rootUuid + " rw");
      assertThat(fat(d.part(1), "/plinth/6.12.0-1-amd64/vmlinuz")).isEqualTo("kernel\n");
      var noEsp =
          new ToolRunner("linux-bootloader")
              .env("PLINTH_TARGET_DISK", d.dev)
              .run("install", "--loader", "grub", "--esp", "EFI-missing");
      assertThat(noEsp.exit()).isEqualTo(3);
    }
  }

  @Test
  void cloudInitDriveInANewPartitionAndIgnition() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("input"));
    Files.writeString(in.resolve("user-data"), "#cloud-config\nhostname: node-01\n");
    Files.writeString(in.resolve("meta-data"), "{\"instance-id\": \"m-0001\"}\n");
    Files.writeString(in.resolve("network-config"), "{\"version\": 2}\n");
    Files.writeString(in.resolve("config.ign"), "{\"ignition\": {\"version\": \"3.4.0\"}}\n");
    try (LoopDisk d = linuxDisk(256L << 20, false)) {
      ToolRunner t = new ToolRunner("config-drive").env("PLINTH_TARGET_DISK", d.dev).input(in);
      String before = d.sha256();
      var dry =
          t.run("--dry-run", "write", "--format", "cloud-init", "--target", "new-partition=cidata");
      assertThat(dry.exit()).as(dry.toString()).isZero();
      assertThat(dry.all()).contains("+ sgdisk -n 0:");
      assertThat(d.sha256()).isEqualTo(before);

      var r = t.run("write", "--format", "cloud-init", "--target", "new-partition=cidata");
      assertThat(r.exit()).as(r.toString()).isZero();
      String table = Sh.run("sgdisk", "-p", d.dev);
      assertThat(table).containsPattern("4\\s+\\d+\\s+\\d+\\s+6[45]\\.0 MiB\\s+8300\\s+cidata");
      String cidata = d.part(4);
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "LABEL", cidata)).isEqualTo("CIDATA\n");
      assertThat(fat(cidata, "/user-data")).isEqualTo("#cloud-config\nhostname: node-01\n");
      assertThat(fat(cidata, "/meta-data")).contains("m-0001");
      assertThat(fat(cidata, "/network-config")).contains("\"version\": 2");

      // config-2 (OpenStack layout) into the same, now existing, partition
      var c2 = t.run("write", "--format", "config-2", "--target", "partition=cidata");
      assertThat(c2.exit()).as(c2.toString()).isZero();
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "LABEL", cidata))
          .isEqualToIgnoringCase("config-2\n");
      assertThat(fat(cidata, "/openstack/latest/meta_data.json"))
          .contains("\"uuid\": \"m-0001\"")
          .contains("\"instance-id\": \"m-0001\"");
      assertThat(fat(cidata, "/openstack/latest/user_data"))
          .isEqualTo("#cloud-config\nhostname: node-01\n");
      // a fresh filesystem: no NoCloud file is left beside the config-2 tree
      assertThat(
              Sh.sh(
                  "MTOOLS_SKIP_CHECK=1 mtype -i "
                      + cidata
                      + " ::/user-data >/dev/null 2>&1 && echo present || echo absent"))
          .isEqualTo("absent\n");

      var ign = t.run("write", "--format", "ignition", "--target", "partition=root");
      assertThat(ign.exit()).as(ign.toString()).isZero();
      Path m = Files.createDirectories(tmp.resolve("m2"));
      Sh.run("mount", d.part(3), m.toString());
      try {
        assertThat(Files.readString(m.resolve("ignition/config.ign"))).contains("3.4.0");
      } finally {
        Sh.run("umount", m.toString());
      }
      var missing = t.run("write", "--format", "ignition", "--target", "partition=boot");
      assertThat(missing.exit()).isEqualTo(3);
      assertThat(missing.stderr()).contains("no partition labelled 'boot'");
    }
  }
}
