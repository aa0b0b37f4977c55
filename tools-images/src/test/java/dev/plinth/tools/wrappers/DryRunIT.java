/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dry-run} of the wrappers the other ITs do not run dry (linux-bootloader,
 * windows-bootloader, wimapply, vendor-firmware), on one loop disk holding an ESP, a BIOS boot
 * partition, an NTFS partition and an ext4 root: each prints the commands that would change
 * something, contacts no registry or BMC, and leaves the disk's bytes as they were. The
 * linux-bootloader run also shows the two branches the loop devices cannot run for real: the BIOS
 * install (a bios-boot partition is present) and the NVRAM boot entry (a writable efivars).
 */
class DryRunIT {
  static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";

  @TempDir static Path tmp;
  static LoopDisk disk;
  static String before;

  @BeforeAll
  static void disk() throws Exception {
    Privileges.assumeRoot();
    disk = LoopDisk.create(tmp, 192L << 20);
    Sh.run(
        "sgdisk",
        "-o",
        "-n",
        "1:0:+32M",
        "-t",
        "1:" + SgdiskIT.ESP,
        "-c",
        "1:ESP",
        "-n",
        "2:0:+1M",
        "-t",
        "2:" + BIOS_BOOT,
        "-c",
        "2:bios",
        "-n",
        "3:0:+64M",
        "-t",
        "3:" + SgdiskIT.BASIC,
        "-c",
        "3:Windows",
        "-n",
        "4:0:0",
        "-t",
        "4:" + SgdiskIT.ROOT,
        "-c",
        "4:root",
        disk.dev);
    Sh.run("mkfs.vfat", "-F", "32", "-n", "ESP", disk.part(1));
    Sh.run("mkfs.ntfs", "-Q", "-f", "-q", "-L", "Windows", disk.part(3));
    Sh.run("mkfs.ext4", "-q", "-F", "-L", "root", disk.part(4));
    before = disk.sha256();
  }

  @AfterAll
  static void close() throws Exception {
    if (disk != null) {
      assertThat(disk.sha256()).as("the disk after every dry run").isEqualTo(before);
      disk.close();
    }
  }

  ToolRunner tool(String name) {
    return new ToolRunner(name)
        .env("PLINTH_TARGET_DISK", disk.dev)
        .env("PLINTH_REGISTRY", "registry.invalid:5000")
        .env("PLINTH_BMC_URL", "http://bmc.invalid:1");
  }

  @Test
  void linuxBootloaderShowsGrubBiosAndTheNvramEntry() throws Exception {
    Path efivars = Files.createDirectories(tmp.resolve("efivars"));
    var r =
        tool("linux-bootloader")
            .env("PLINTH_EFIVARS", efivars.toString())
            .share(efivars)
            .run(
                "--dry-run",
                "install",
                "--loader",
                "grub",
                "--esp",
                "ESP",
                "--entry",
                "Debian",
                "--kernel-arg",
                "console=ttyS0");
    assertThat(r.exit()).as(r.toString()).isZero();
    String p1 = disk.dev + "p1";
    assertThat(r.stdout())
        .containsPattern("\\+ mount " + disk.dev + "p4 /\\S+\n")
        .contains("+ grub-mkimage -d /usr/lib/grub/x86_64-efi -O x86_64-efi -o ")
        .containsPattern("\\+ grub-install --target=i386-pc --boot-directory=\\S+/boot " + disk.dev)
        .contains("+ mmd -i " + p1 + " ::EFI/BOOT\n")
        .containsPattern("\\+ cp \\S+/fstab \\S+/etc/fstab\n")
        .contains(
            "+ efibootmgr --create --disk "
                + disk.dev
                + " --part 1 --label Debian --loader \\EFI\\BOOT\\BOOTX64.EFI\n");
    assertThat(Files.list(efivars)).isEmpty();
  }

  @Test
  void windowsBootloaderWimapplyAndVendorFirmwareTouchNothing() throws Exception {
    var win =
        tool("windows-bootloader")
            .run("install", "--esp", "ESP", "--windows", "Windows", "--dry-run");
    assertThat(win.exit()).as(win.toString()).isZero();
    assertThat(win.stdout())
        .containsPattern("\\+ mount -t ntfs-3g -o ro " + disk.dev + "p3 /\\S+\n")
        .contains("+ hivexregedit --merge <ESP>/EFI/Microsoft/Boot/BCD");

    var wim =
        tool("wimapply")
            .run(
                "--dry-run",
                "apply",
                "--source",
                "os/win:1",
                "--index",
                "1",
                "--target",
                "partition=Windows");
    assertThat(wim.exit()).as(wim.toString()).isZero();
    assertThat(wim.stdout())
        .contains("+ curl -L -C <resume> https://registry.invalid:5000/v2/os/win/blobs/")
        .containsPattern("\\+ wimapply \\S+\\.wim 1 " + disk.dev + "p3\n");

    var fw =
        tool("vendor-firmware")
            .env("PLINTH_DRY_RUN", "1")
            .run(
                "apply",
                "--vendor",
                "generic",
                "--component",
                "bios",
                "--source",
                "firmware/acme/bios:1",
                "--reboot",
                "always");
    assertThat(fw.exit()).as(fw.toString()).isZero();
    assertThat(fw.stdout())
        .contains("+ curl -L -C <resume> https://registry.invalid:5000/v2/firmware/acme/bios/")
        .contains("+ Redfish UpdateService push of ");
    // nothing was fetched or sent: registry.invalid and bmc.invalid do not resolve
    assertThat(fw.all()).doesNotContain("fetch interrupted").doesNotContain("error");
  }
}
