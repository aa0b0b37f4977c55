/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.mos;

import dev.plinth.iso.IsoEntry;
import dev.plinth.iso.IsoReader;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

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
 */
public final class MaintenanceIso {
  /** The volume label. */
  public static final String VOLUME_ID = "PLINTH-MOS";

  static final String BIOS_IMAGE = "isolinux/isolinux.bin";
  static final String BOOT_CATALOG = "isolinux/boot.cat";
  static final String EFI_IMAGE = "boot/efiboot.img";
  static final String ISOLINUX_CFG = "isolinux/isolinux.cfg";
  static final String GRUB_CFG = "boot/grub/grub.cfg";

  /** The kernel takes 2048 bytes of command line on x86; keep room for the built-in arguments. */
  static final int MAX_ADDED_ARGS = 1536;

  private static final int MBR_CODE = 432;

  private MaintenanceIso() {}

  /**
   * Writes the ISO of {@code tree} to {@code out}. {@code mbrCode} is the isohybrid MBR boot code
   * (ISOLINUX's {@code isohdpfx.bin}); every date in the image is {@code sourceDateEpoch}.
   */
  public static void build(Path tree, Path out, byte[] mbrCode, long sourceDateEpoch)
      throws IOException {
    writer(mbrCode, sourceDateEpoch).write(IsoTree.fromDirectory(tree), out);
  }

  static IsoWriter writer(byte[] mbrCode, long sourceDateEpoch) {
    return IsoWriter.builder()
        .volumeId(VOLUME_ID)
        .sourceDateEpoch(sourceDateEpoch)
        .application("PLINTH MAINTENANCE OS")
        .biosBoot(BIOS_IMAGE, 4, true)
        .bootCatalog(BOOT_CATALOG)
        .efiBoot(EFI_IMAGE)
        .hybrid(mbrCode, true)
        .build();
  }

  /**
   * Writes to {@code out} a copy of the maintenance ISO {@code iso} whose boot entries (ISOLINUX
   * and GRUB) pass {@code args} to the kernel as well, e.g. {@code plinth.task=https://…} for a BMC
   * with one virtual media slot. Every other file, the boot images, the MBR boot code and the date
   * stay as they are, so the result is deterministic. Costs one copy of the image (about 1 s for
   * 200 MiB): files are staged next to {@code out} and written with {@link IsoWriter}.
   *
   * @throws IllegalArgumentException if an argument is empty, holds white space, a quote, a
   *     backslash, a control or non-ASCII character, or all of them exceed {@value #MAX_ADDED_ARGS}
   *     bytes
   */
  public static void withKernelArgs(Path iso, List<String> args, Path out) throws IOException {
    String added = KernelArgs.join(args);
    Path dir = out.toAbsolutePath().getParent();
    Path stage = Files.createTempDirectory(dir, ".remaster-");
    try (IsoReader reader = IsoReader.open(iso)) {
      if (!VOLUME_ID.equals(reader.volumeId())) {
        throw new IOException(iso + " is not a maintenance ISO (label " + reader.volumeId() + ")");
      }
      long epoch = 0;
      IsoTree tree = IsoTree.create();
      int edited = 0;
      int staged = 0;
      for (IsoEntry e : reader.entries()) {
        epoch = Math.max(epoch, e.modified().getEpochSecond());
        switch (e.type()) {
          case DIRECTORY -> tree.addDirectory(e.path(), e.mode() & 07777);
          case SYMLINK -> tree.addSymlink(e.path(), e.linkTarget());
          case FILE -> {
            if (e.path().equals(BOOT_CATALOG)) {
              continue;
            }
            if (e.path().equals(ISOLINUX_CFG) || e.path().equals(GRUB_CFG)) {
              String cfg =
                  new String(reader.readAllBytes(e.path(), 1 << 20), StandardCharsets.UTF_8);
              String changed =
                  e.path().equals(ISOLINUX_CFG)
                      ? KernelArgs.appendToIsolinux(cfg, added)
                      : KernelArgs.appendToGrub(cfg, added);
              tree.addFile(e.path(), changed.getBytes(StandardCharsets.UTF_8), e.mode() & 07777);
              edited++;
            } else {
              Path file = stage.resolve(Integer.toString(staged++));
              try (InputStream in = reader.open(e)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
              }
              tree.addFile(e.path(), file, e.mode() & 07777);
            }
          }
        }
      }
      if (edited != 2) {
        throw new IOException(iso + " lacks " + ISOLINUX_CFG + " or " + GRUB_CFG);
      }
      writer(mbrCode(iso), epoch).write(tree, out);
    } finally {
      deleteTree(stage);
    }
  }

  /** The isohybrid boot code in the first 432 bytes of {@code iso}. */
  static byte[] mbrCode(Path iso) throws IOException {
    try (FileChannel ch = FileChannel.open(iso, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(MBR_CODE);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // read until full
      }
      if (b.hasRemaining()) {
        throw new IOException(iso + " is too short");
      }
      return b.array();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
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
