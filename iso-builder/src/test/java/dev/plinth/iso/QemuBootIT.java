/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots an image written by {@link IsoWriter} in QEMU (TCG: KVM is unusable here) as a CD and as a
 * disk (isohybrid), under SeaBIOS and under OVMF; the initramfs prints {@code PLINTH-BOOT-OK
 * bios|uefi} on the serial console and powers off. The boot tree is built by {@code
 * src/test/scripts/boot-fixture.sh}.
 */
class QemuBootIT {

  private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
  private static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
  private static final Path ISOHDPFX = Path.of("/usr/lib/ISOLINUX/isohdpfx.bin");

  @TempDir static Path tmp;
  static Path iso;

  @BeforeAll
  static void buildImage() throws Exception {
    for (String tool :
        List.of(
            "qemu-system-x86_64",
            "grub-mkstandalone",
            "mkfs.vfat",
            "mcopy",
            "busybox",
            "cpio",
            OVMF_CODE.toString(),
            ISOHDPFX.toString(),
            "/usr/lib/ISOLINUX/isolinux.bin")) {
      Peers.require(tool);
    }
    Path tree = tmp.resolve("tree");
    Peers.Result r =
        Peers.run(
            300, "bash", Path.of("src/test/scripts/boot-fixture.sh").toString(), tree.toString());
    if (r.exit() == 3 && !"1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
      Assumptions.abort("no kernel available: " + r.out());
    }
    assertThat(r.exit()).as(r.out()).isZero();
    iso = tmp.resolve("boot.iso");
    IsoWriter w =
        IsoWriter.builder()
            .volumeId("PLINTHBOOT")
            .sourceDateEpoch(1_700_000_000L)
            .biosBoot("isolinux/isolinux.bin", 4, true)
            .bootCatalog("isolinux/boot.cat")
            .efiBoot("boot/efiboot.img")
            .hybrid(Files.readAllBytes(ISOHDPFX), true)
            .build();
    w.write(IsoTree.fromDirectory(tree), iso);
    Path again = tmp.resolve("again.iso");
    w.write(IsoTree.fromDirectory(tree), again);
    assertThat(DeterminismTest.sha256(again)).isEqualTo(DeterminismTest.sha256(iso));
  }

  private static String boot(boolean uefi, boolean asDisk) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "qemu-system-x86_64",
                "-machine",
                "q35,accel=tcg",
                "-m",
                "512",
                "-smp",
                "1",
                "-nodefaults",
                "-display",
                "none",
                "-serial",
                "stdio",
                "-monitor",
                "none",
                "-no-reboot"));
    if (uefi) {
      Path vars = Files.createTempFile(tmp, "vars", ".fd");
      Files.copy(OVMF_VARS, vars, StandardCopyOption.REPLACE_EXISTING);
      cmd.addAll(
          List.of(
              "-drive",
              "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
              "-drive",
              "if=pflash,format=raw,unit=1,file=" + vars));
    }
    if (asDisk) {
      cmd.addAll(
          List.of(
              "-drive",
              "file=" + iso + ",format=raw,if=none,id=d0,readonly=on",
              "-device",
              "virtio-blk-pci,drive=d0,bootindex=1"));
    } else {
      cmd.addAll(
          List.of(
              "-drive",
              "file=" + iso + ",media=cdrom,readonly=on,if=none,id=cd0",
              "-device",
              "ide-cd,drive=cd0,bus=ide.0,bootindex=1"));
    }
    return Peers.run(150, null, cmd).out();
  }

  @Test
  void bootsAsCdUnderSeaBios() throws Exception {
    assertThat(boot(false, false)).contains("ISOLINUX").contains("PLINTH-BOOT-OK bios");
  }

  @Test
  void bootsAsCdUnderOvmf() throws Exception {
    assertThat(boot(true, false)).contains("PLINTH-BOOT-OK uefi");
  }

  @Test
  void bootsAsHybridDiskUnderSeaBiosAndOvmf() throws Exception {
    assertThat(boot(false, true)).contains("PLINTH-BOOT-OK bios");
    assertThat(boot(true, true)).contains("PLINTH-BOOT-OK uefi");
  }
}
