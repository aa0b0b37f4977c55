/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** El Torito: the boot record descriptor, the boot catalog and the boot info table. */
final class ElTorito {

  static final int PLATFORM_X86 = 0x00;
  static final int PLATFORM_EFI = 0xEF;

  private ElTorito() {}

  static ByteBuffer bootRecord(int catalogLba) {
    ByteBuffer b = ByteBuffer.allocate(Bytes.BLOCK);
    b.put(0, (byte) 0);
    b.put(1, "CD001".getBytes(StandardCharsets.US_ASCII));
    b.put(6, (byte) 1);
    b.put(7, "EL TORITO SPECIFICATION".getBytes(StandardCharsets.US_ASCII));
    Bytes.le32(b, 0x47, catalogLba);
    return b;
  }

  /** The boot catalog: BIOS entry as default (if any), UEFI entry as the final section. */
  static ByteBuffer catalog(Layout l) {
    ByteBuffer b = ByteBuffer.allocate(Bytes.BLOCK);
    boolean bios = l.biosImage != null;
    b.put(0, (byte) 1);
    b.put(1, (byte) (bios ? PLATFORM_X86 : PLATFORM_EFI));
    b.put(4, "PLINTH".getBytes(StandardCharsets.US_ASCII));
    b.put(30, (byte) 0x55).put(31, (byte) 0xAA);
    int sum = 0;
    for (int i = 0; i < 32; i += 2) {
      sum += b.order(ByteOrder.LITTLE_ENDIAN).getShort(i) & 0xffff;
    }
    Bytes.le16(b, 28, -sum);
    if (bios) {
      entry(b, 32, l.opts.biosLoadSectors, l.biosImage.dataLba);
      if (l.efiImage != null) {
        b.put(64, (byte) 0x91).put(65, (byte) PLATFORM_EFI);
        Bytes.le16(b, 66, 1);
        entry(b, 96, efiSectors(l.efiImage), l.efiImage.dataLba);
      }
    } else {
      entry(b, 32, efiSectors(l.efiImage), l.efiImage.dataLba);
    }
    return b;
  }

  private static int efiSectors(Node efi) {
    return (int) Math.min(0xffff, (efi.size + 511) / 512);
  }

  private static void entry(ByteBuffer b, int off, int sectors, long lba) {
    b.put(off, (byte) 0x88);
    b.put(off + 1, (byte) 0); // no emulation
    Bytes.le16(b, off + 2, 0); // default load segment 0x7C0
    Bytes.le16(b, off + 6, sectors);
    Bytes.le32(b, off + 8, lba);
  }

  /**
   * Patches the boot info table into a copy of the boot image: primary volume descriptor block,
   * image block, image length and the checksum of the image from byte 64 on.
   */
  static byte[] patchInfoTable(byte[] image, long imageLba) {
    if (image.length < 64) {
      throw new IllegalArgumentException("boot image too small for a boot info table");
    }
    byte[] out = image.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    int sum = 0;
    for (int i = 64; i < out.length; i += 4) {
      int word = 0;
      for (int k = 0; k < 4 && i + k < out.length; k++) {
        word |= (out[i + k] & 0xff) << (8 * k);
      }
      sum += word;
    }
    b.putInt(8, 16);
    b.putInt(12, (int) imageLba);
    b.putInt(16, out.length);
    b.putInt(20, sum);
    for (int i = 24; i < 64; i++) {
      out[i] = 0;
    }
    return out;
  }
}
