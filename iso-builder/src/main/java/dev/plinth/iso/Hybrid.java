/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;

/**
 * The isohybrid system area: an MBR (ISOLINUX-style boot code, an active partition 1 covering the
 * image and, with a UEFI entry, partition 2 of type 0xEF over the ESP image) and optionally a GPT
 * (primary in the system area, backup at the end of the image). GUIDs and the disk signature are
 * derived from the volume id and SOURCE_DATE_EPOCH, so they are reproducible.
 */
final class Hybrid {

  private static final int SECTOR = 512;
  private static final int GPT_ENTRIES = 128;
  private static final int GPT_ENTRY_SIZE = 128;
  private static final int FIRST_USABLE = 64;
  private static final String BASIC_DATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";
  private static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";

  private Hybrid() {}

  static boolean on(Layout l) {
    return l.opts.hybridMbr != null;
  }

  /** Reserves the backup GPT and pads the image to a whole MiB; returns the volume size. */
  static long finishLayout(Layout l, long next) {
    if (!on(l)) {
      return next;
    }
    long end = next;
    if (l.opts.hybridGpt) {
      l.gptTailLba = next;
      end += 9; // 32 entry sectors + 1 header sector, rounded up to blocks
    }
    return (end + 511) / 512 * 512;
  }

  static ByteBuffer systemArea(Layout l) {
    ByteBuffer b = ByteBuffer.allocate(16 * Bytes.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
    if (!on(l)) {
      return b;
    }
    byte[] tpl = l.opts.hybridMbr;
    b.put(0, tpl, 0, Math.min(432, tpl.length));
    if (l.biosImage != null && tpl.length > 0) {
      b.putLong(432, l.biosImage.dataLba * 4);
    }
    byte[] sig = digest(l, "mbr-signature");
    b.put(440, sig, 0, 4);
    long sectors = l.volumeBlocks * 4;
    partition(b, 446, 0x80, 0x00, 0, sectors);
    if (l.efiImage != null) {
      partition(b, 462, 0x00, 0xEF, l.efiImage.dataLba * 4, (l.efiImage.size + 511) / 512);
    }
    b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
    if (l.opts.hybridGpt) {
      ByteBuffer entries = gptEntries(l);
      b.put(2 * SECTOR, entries.array());
      b.put(SECTOR, gptHeader(l, true, entries).array());
    }
    return b;
  }

  static void writeTail(Layout l, Out out) throws IOException {
    if (!on(l) || !l.opts.hybridGpt) {
      return;
    }
    long sectors = l.volumeBlocks * 4;
    long entriesAt = (sectors - 33) * SECTOR;
    if (entriesAt < out.position()) {
      throw new IllegalStateException("layout error: no room for the backup GPT");
    }
    out.zeros(entriesAt - out.position());
    ByteBuffer entries = gptEntries(l);
    out.put(entries.duplicate());
    out.put(gptHeader(l, false, entries));
  }

  private static void partition(ByteBuffer b, int off, int status, int type, long start, long n) {
    b.put(off, (byte) status);
    chs(b, off + 1, start);
    b.put(off + 4, (byte) type);
    chs(b, off + 5, start + n - 1);
    b.putInt(off + 8, (int) start);
    b.putInt(off + 12, (int) Math.min(n, 0xFFFFFFFFL));
  }

  /** CHS with 64 heads and 32 sectors per track, as isohybrid does; 1023/63/254 past the end. */
  private static void chs(ByteBuffer b, int off, long lba) {
    long cyl = lba / (64 * 32);
    if (cyl > 1023) {
      b.put(off, (byte) 0xFE).put(off + 1, (byte) 0xFF).put(off + 2, (byte) 0xFF);
      return;
    }
    int head = (int) (lba / 32 % 64);
    int sec = (int) (lba % 32) + 1;
    b.put(off, (byte) head);
    b.put(off + 1, (byte) (sec | ((cyl >> 2) & 0xC0)));
    b.put(off + 2, (byte) cyl);
  }

  private static ByteBuffer gptEntries(Layout l) {
    ByteBuffer e = ByteBuffer.allocate(GPT_ENTRIES * GPT_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    long lastUsable = l.volumeBlocks * 4 - 34;
    long isoEnd = Math.min(lastUsable, l.gptTailLba * 4 - 1);
    gptEntry(e, 0, BASIC_DATA, digest(l, "part-iso"), FIRST_USABLE, isoEnd, "ISO9660");
    if (l.efiImage != null) {
      long start = l.efiImage.dataLba * 4;
      long end = start + (l.efiImage.size + 511) / 512 - 1;
      gptEntry(e, GPT_ENTRY_SIZE, ESP, digest(l, "part-esp"), start, end, "EFI System");
    }
    return e;
  }

  private static void gptEntry(
      ByteBuffer e, int off, String type, byte[] guid, long first, long last, String name) {
    e.put(off, guid(type));
    e.put(off + 16, guid, 0, 16);
    e.putLong(off + 32, first);
    e.putLong(off + 40, last);
    e.putLong(off + 48, 1L << 60); // read-only
    byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
    e.put(off + 56, n);
  }

  private static ByteBuffer gptHeader(Layout l, boolean primary, ByteBuffer entries) {
    long sectors = l.volumeBlocks * 4;
    ByteBuffer h = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
    h.put(0, "EFI PART".getBytes(StandardCharsets.US_ASCII));
    h.putInt(8, 0x00010000);
    h.putInt(12, 92);
    h.putLong(24, primary ? 1 : sectors - 1);
    h.putLong(32, primary ? sectors - 1 : 1);
    h.putLong(40, FIRST_USABLE);
    h.putLong(48, sectors - 34);
    h.put(56, digest(l, "disk"), 0, 16);
    h.putLong(72, primary ? 2 : sectors - 33);
    h.putInt(80, GPT_ENTRIES);
    h.putInt(84, GPT_ENTRY_SIZE);
    CRC32 crc = new CRC32();
    crc.update(entries.array());
    h.putInt(88, (int) crc.getValue());
    CRC32 hc = new CRC32();
    hc.update(h.array(), 0, 92);
    h.putInt(16, (int) hc.getValue());
    return h;
  }

  /** A GUID string in its on-disk mixed-endian form. */
  static byte[] guid(String s) {
    String hex = s.replace("-", "");
    byte[] raw = new byte[16];
    for (int i = 0; i < 16; i++) {
      raw[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return new byte[] {
      raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6], raw[8], raw[9], raw[10],
      raw[11], raw[12], raw[13], raw[14], raw[15]
    };
  }

  /** 16 reproducible bytes shaped as a version-4 GUID, from the volume id, date and a purpose. */
  private static byte[] digest(Layout l, String purpose) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(
          (l.opts.volumeId + "\0" + l.opts.date.getEpochSecond() + "\0" + purpose)
              .getBytes(StandardCharsets.UTF_8));
      byte[] d = md.digest();
      d[7] = (byte) ((d[7] & 0x0F) | 0x40);
      d[8] = (byte) ((d[8] & 0x3F) | 0x80);
      return d;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
