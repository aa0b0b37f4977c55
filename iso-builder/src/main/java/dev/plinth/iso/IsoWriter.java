/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * Writes an {@link IsoTree} as a deterministic ISO 9660 image: the bytes depend only on the tree,
 * these options and {@code sourceDateEpoch}; never on the clock, time zone, locale, file dates or
 * owners of the build machine.
 *
 * <pre>{@code
 * IsoWriter writer = IsoWriter.builder()
 *     .volumeId("PLINTH-TASK")
 *     .sourceDateEpoch(1700000000L)
 *     .build();
 * writer.write(tree, Path.of("task.iso"));
 * }</pre>
 *
 * <p>Images carry Rock Ridge (POSIX names, modes, symlinks) and Joliet by default. File data is
 * streamed with {@link FileChannel#transferTo}; memory use is bounded by the metadata. A writer is
 * immutable and may be shared between threads.
 */
public final class IsoWriter {

  /** How file modes in the image are derived from the tree. */
  public enum ModePolicy {
    /** Directories 0755, files 0755 if any execute bit is set else 0644, links 0777 (default). */
    NORMALIZE,
    /** The permission bits of the tree as given (including set-id and sticky bits). */
    PRESERVE
  }

  final String volumeId;
  final Instant date;
  final boolean joliet;
  final boolean rockRidge;
  final int uid;
  final int gid;
  final ModePolicy modePolicy;
  final String biosBootImage;
  final int biosLoadSectors;
  final boolean bootInfoTable;
  final String bootCatalog;
  final String efiBootImage;
  final byte[] hybridMbr;
  final boolean hybridGpt;
  final String publisher;
  final String application;
  final long maxExtent;

  private IsoWriter(Builder b) {
    this.volumeId = b.volumeId;
    this.date = Instant.ofEpochSecond(b.sourceDateEpoch);
    this.joliet = b.joliet;
    this.rockRidge = b.rockRidge;
    this.uid = b.uid;
    this.gid = b.gid;
    this.modePolicy = b.modePolicy;
    this.biosBootImage = b.biosBootImage;
    this.biosLoadSectors = b.biosLoadSectors;
    this.bootInfoTable = b.bootInfoTable;
    this.bootCatalog = b.bootCatalog;
    this.efiBootImage = b.efiBootImage;
    this.hybridMbr = b.hybridMbr == null ? null : b.hybridMbr.clone();
    this.hybridGpt = b.hybridGpt;
    this.publisher = b.publisher;
    this.application = b.application;
    this.maxExtent = b.maxExtent;
  }

  /** A builder with the defaults: volume id {@code CDROM}, epoch 0, Rock Ridge and Joliet on. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes the image to {@code out} (a file, a pipe, a socket) from its current position. Nothing
   * is read back from {@code out}, so any channel works; a {@link FileChannel} gets zero-copy file
   * data. The channel is not closed.
   *
   * @return the number of bytes written (a multiple of 2048)
   */
  public long write(IsoTree tree, WritableByteChannel out) throws IOException {
    Objects.requireNonNull(tree, "tree");
    Layout layout = Layout.of(tree.root().copy(null), this);
    return new ImageOutput(layout, this, out).writeAll();
  }

  /**
   * Writes the image to {@code file} atomically: into a temporary file next to it, moved into place
   * when complete.
   *
   * @return the number of bytes written
   */
  public long write(IsoTree tree, Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    try {
      long n;
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        n = write(tree, ch);
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return n;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Options of an {@link IsoWriter}. */
  public static final class Builder {
    private String volumeId = "CDROM";
    private long sourceDateEpoch;
    private boolean joliet = true;
    private boolean rockRidge = true;
    private int uid;
    private int gid;
    private ModePolicy modePolicy = ModePolicy.NORMALIZE;
    private String biosBootImage;
    private int biosLoadSectors = 4;
    private boolean bootInfoTable = true;
    private String bootCatalog = "boot.catalog";
    private String efiBootImage;
    private byte[] hybridMbr;
    private boolean hybridGpt;
    private String publisher = "";
    private String application = "PLINTH";
    private long maxExtent = Layout.MAX_EXTENT;

    private Builder() {}

    /**
     * The volume label (at most 32 characters of printable ASCII; upper case recommended), e.g.
     * {@code PLINTH-TASK}. Joliet carries its first 16 characters.
     */
    public Builder volumeId(String id) {
      Objects.requireNonNull(id, "id");
      if (id.isEmpty() || id.length() > 32 || !id.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("volume id must be 1-32 printable ASCII: " + id);
      }
      this.volumeId = id;
      return this;
    }

    /** The one date used everywhere in the image, in seconds since 1970 (UTC). */
    public Builder sourceDateEpoch(long seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("negative SOURCE_DATE_EPOCH");
      }
      this.sourceDateEpoch = seconds;
      return this;
    }

    /** Whether to add a Joliet tree (default true). */
    public Builder joliet(boolean on) {
      this.joliet = on;
      return this;
    }

    /** Whether to add Rock Ridge entries (default true). */
    public Builder rockRidge(boolean on) {
      this.rockRidge = on;
      return this;
    }

    /** Owner recorded in Rock Ridge for every entry (default 0:0). */
    public Builder ownership(int uid, int gid) {
      if (uid < 0 || gid < 0) {
        throw new IllegalArgumentException("negative uid/gid");
      }
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    /** How modes are derived from the tree (default {@link ModePolicy#NORMALIZE}). */
    public Builder modePolicy(ModePolicy policy) {
      this.modePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * An El Torito BIOS no-emulation boot entry for the tree file at {@code imagePath} (e.g. {@code
     * isolinux/isolinux.bin}), loading {@code loadSectors} 512-byte sectors (4 for ISOLINUX). With
     * {@code bootInfoTable} the writer patches the boot info table (bytes 8-63) into the image
     * copy, as ISOLINUX and GRUB's eltorito.img expect.
     */
    public Builder biosBoot(String imagePath, int loadSectors, boolean bootInfoTable) {
      this.biosBootImage = String.join("/", IsoTree.split(imagePath));
      if (loadSectors < 1 || loadSectors > 0xffff) {
        throw new IllegalArgumentException("load sectors out of range: " + loadSectors);
      }
      this.biosLoadSectors = loadSectors;
      this.bootInfoTable = bootInfoTable;
      return this;
    }

    /** Path of the generated boot catalog in the tree (default {@code boot.catalog}). */
    public Builder bootCatalog(String path) {
      this.bootCatalog = String.join("/", IsoTree.split(path));
      return this;
    }

    /**
     * An El Torito UEFI entry for the tree file at {@code imagePath}: a FAT image holding {@code
     * EFI/BOOT/BOOTX64.EFI} (an EFI System Partition image).
     */
    public Builder efiBoot(String imagePath) {
      this.efiBootImage = String.join("/", IsoTree.split(imagePath));
      return this;
    }

    /**
     * Makes the image bootable from a disk (USB stick) as well: {@code mbrTemplate} is the boot
     * code of an isohybrid MBR (432 bytes or more, e.g. ISOLINUX's {@code isohdpfx.bin}), or null
     * for an MBR without boot code. With {@code gpt} a GPT is added whose partitions are the ISO
     * and, when there is a UEFI entry, the EFI System Partition image.
     */
    public Builder hybrid(byte[] mbrTemplate, boolean gpt) {
      if (mbrTemplate != null && mbrTemplate.length < 432) {
        throw new IllegalArgumentException("MBR template shorter than 432 bytes");
      }
      this.hybridMbr = mbrTemplate == null ? new byte[0] : mbrTemplate.clone();
      this.hybridGpt = gpt;
      return this;
    }

    /** Publisher identifier recorded in the volume descriptors. */
    public Builder publisher(String text) {
      this.publisher = Objects.requireNonNull(text, "text");
      return this;
    }

    /** Application identifier recorded in the volume descriptors (default {@code PLINTH}). */
    public Builder application(String text) {
      this.application = Objects.requireNonNull(text, "text");
      return this;
    }

    /** Tests only: a smaller extent limit, to exercise multi-extent files without 4 GiB. */
    Builder maxExtent(long bytes) {
      if (bytes <= 0 || bytes % Bytes.BLOCK != 0 || bytes > Layout.MAX_EXTENT) {
        throw new IllegalArgumentException("bad extent size");
      }
      this.maxExtent = bytes;
      return this;
    }

    public IsoWriter build() {
      if (hybridMbr != null && hybridMbr.length == 0 && !hybridGpt) {
        throw new IllegalArgumentException("hybrid needs an MBR template or a GPT");
      }
      return new IsoWriter(this);
    }
  }
}
