/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.mos;

import dev.plinth.iso.IsoRemaster;
import dev.plinth.iso.IsoTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The maintenance ISO's layout and its two operations: {@link #build} writes it from the tree that
 * {@code build.sh} prepared, and {@link #withKernelArgs} remasters it for one job.
 *
 * <pre>
 * isolinux/isolinux.bin, ldlinux.c32, isolinux.cfg   BIOS (El Torito, boot info table)
 * isolinux/boot.cat                                   boot catalog (generated)
 * boot/efiboot.img                                    UEFI: FAT image with EFI/BOOT/BOOTX64.EFI
 * boot/grub/grub.cfg                                  read by that GRUB (finds the ISO by
 * boot/plinth-mos.id                                  this marker file)
 * boot/vmlinuz, boot/initrd.img                       kernel, whole root file system
 * EFI/BOOT/BOOTX64.EFI                                the same GRUB, for firmware reading the ISO
 * </pre>
 *
 * Volume label {@value #VOLUME_ID}; hybrid MBR + GPT, so the same bytes boot from a CD or a disk.
 * The layout and the remaster live in {@link IsoRemaster} (iso-builder), which the controller
 * shares.
 */
public final class MaintenanceIso {
  /** The volume label. */
  public static final String VOLUME_ID = "PLINTH-MOS";

  /** The application identifier in its volume descriptors. */
  static final String APPLICATION = "PLINTH MAINTENANCE OS";

  private MaintenanceIso() {}

  /**
   * Writes the ISO of {@code tree} to {@code out}. {@code mbrCode} is the isohybrid MBR boot code
   * (ISOLINUX's {@code isohdpfx.bin}); every date in the image is {@code sourceDateEpoch}.
   */
  public static void build(Path tree, Path out, byte[] mbrCode, long sourceDateEpoch)
      throws IOException {
    IsoRemaster.hybridBootWriter(VOLUME_ID, APPLICATION, mbrCode, sourceDateEpoch)
        .write(IsoTree.fromDirectory(tree), out);
  }

  /**
   * Writes to {@code out} a copy of the maintenance ISO {@code iso} whose boot entries (ISOLINUX
   * and GRUB) pass {@code args} to the kernel as well, e.g. {@code plinth.task=https://…} for a BMC
   * with one virtual media slot; see {@link IsoRemaster#withKernelArgs}, which the controller calls
   * per job.
   */
  public static void withKernelArgs(Path iso, List<String> args, Path out) throws IOException {
    IsoRemaster.withKernelArgs(iso, VOLUME_ID, args, out);
  }

  /**
   * {@code build TREE OUT --isohdpfx FILE --source-date-epoch N} or {@code remaster ISO OUT
   * ARG...}.
   */
  public static void main(String[] argv) throws IOException {
    if (argv.length >= 3 && argv[0].equals("build")) {
      Path mbr = null;
      long epoch = 0;
      for (int i = 3; i + 1 < argv.length; i += 2) {
        switch (argv[i]) {
          case "--isohdpfx" -> mbr = Path.of(argv[i + 1]);
          case "--source-date-epoch" -> epoch = Long.parseLong(argv[i + 1]);
          default -> usage();
        }
      }
      if (mbr == null) {
        usage();
      }
      build(Path.of(argv[1]), Path.of(argv[2]), Files.readAllBytes(mbr), epoch);
    } else if (argv.length >= 4 && argv[0].equals("remaster")) {
      List<String> args = new ArrayList<>(List.of(argv).subList(3, argv.length));
      withKernelArgs(Path.of(argv[1]), args, Path.of(argv[2]));
    } else {
      usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: MaintenanceIso build TREE OUT --isohdpfx FILE [--source-date-epoch N]\n"
            + "       MaintenanceIso remaster ISO OUT KERNEL-ARG...");
    System.exit(2);
  }
}
