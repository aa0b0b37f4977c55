/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The hybrid boot layout of the maintenance ISO, and its remaster with extra kernel arguments (for
 * a BMC with one virtual media slot: the maintenance OS then learns where its task is from its
 * kernel command line). Shared by the maintenance-os module, which builds the ISO, and the
 * controller, which remasters it per job.
 *
 * <pre>
 * isolinux/isolinux.bin, isolinux.cfg    BIOS (El Torito, boot info table, 4 sectors)
 * isolinux/boot.cat                      boot catalog (generated)
 * boot/efiboot.img                       UEFI: FAT image with EFI/BOOT/BOOTX64.EFI
 * boot/grub/grub.cfg                     read by that GRUB
 * </pre>
 *
 * Hybrid MBR + GPT, so the same bytes boot from a CD or a disk.
 */
public final class IsoRemaster {
  static final String BIOS_IMAGE = "isolinux/isolinux.bin";
  static final String BOOT_CATALOG = "isolinux/boot.cat";
  static final String EFI_IMAGE = "boot/efiboot.img";
  static final String ISOLINUX_CFG = "isolinux/isolinux.cfg";
  static final String GRUB_CFG = "boot/grub/grub.cfg";

  /** The kernel takes 2048 bytes of command line on x86; keep room for the built-in arguments. */
  static final int MAX_ADDED_ARGS = 1536;

  private static final int MBR_CODE = 432;
  private static final int PVD = 16 * 2048;

  private IsoRemaster() {}

  /**
   * The writer of a hybrid BIOS + UEFI boot ISO in the layout above: {@code mbrCode} is the
   * isohybrid MBR boot code (ISOLINUX's {@code isohdpfx.bin}); every date is {@code
   * sourceDateEpoch}.
   */
  public static IsoWriter hybridBootWriter(
      String volumeId, String application, byte[] mbrCode, long sourceDateEpoch) {
    return IsoWriter.builder()
        .volumeId(volumeId)
        .sourceDateEpoch(sourceDateEpoch)
        .application(application)
        .biosBoot(BIOS_IMAGE, 4, true)
        .bootCatalog(BOOT_CATALOG)
        .efiBoot(EFI_IMAGE)
        .hybrid(mbrCode, true)
        .build();
  }

  /**
   * Writes to {@code out} a copy of the hybrid boot ISO {@code iso} whose boot entries (every
   * ISOLINUX {@code APPEND} and GRUB {@code linux} line) pass {@code args} to the kernel as well,
   * e.g. {@code plinth.task=https://…}. Every other file, the boot images, the MBR boot code, the
   * volume and application identifiers and the date stay as they are, so the result is
   * deterministic. Costs one copy of the image: files are staged next to {@code out}; {@code out}
   * appears whole or not at all.
   *
   * @param volumeId the volume label {@code iso} must carry (anything else is refused)
   * @throws IllegalArgumentException if an argument is empty, holds white space, a quote, a
   *     backslash, a control or non-ASCII character, or all of them exceed {@value #MAX_ADDED_ARGS}
   *     bytes
   * @throws IOException if {@code iso} cannot be read, has another label or lacks a boot entry
   */
  public static void withKernelArgs(Path iso, String volumeId, List<String> args, Path out)
      throws IOException {
    String added = KernelArgs.join(args);
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path stage = Files.createTempDirectory(dir, ".remaster-");
    try (IsoReader reader = IsoReader.open(iso)) {
      if (!volumeId.equals(reader.volumeId())) {
        throw new IOException(
            iso
                + " is not the expected ISO (label "
                + reader.volumeId()
                + ", not "
                + volumeId
                + ")");
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
      byte[] head = head(iso, PVD + 2048);
      String application =
          new String(head, PVD + 574, 128, StandardCharsets.US_ASCII).stripTrailing();
      byte[] mbr = java.util.Arrays.copyOf(head, MBR_CODE);
      Path part = stage.resolve("out.iso");
      hybridBootWriter(volumeId, application, mbr, epoch).write(tree, part);
      Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteTree(stage);
    }
  }

  private static byte[] head(Path iso, int n) throws IOException {
    try (FileChannel ch = FileChannel.open(iso, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(n);
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
}
