/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.intake;

import dev.plinth.contract.MachineRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * This machine's SMBIOS identity, from {@code /sys/class/dmi/id/} ({@code product_uuid} and {@code
 * product_serial}, readable by root only).
 *
 * @param systemUuid the system UUID, lowercase, or null if unreadable
 * @param serial the system serial number, trimmed, or null if unreadable
 */
public record MachineIdentity(String systemUuid, String serial) {

  /** Reads the identity from a DMI directory ({@code /sys/class/dmi/id} on a real machine). */
  public static MachineIdentity read(Path dmiDir) {
    return new MachineIdentity(
        lower(readOrNull(dmiDir.resolve("product_uuid"))),
        readOrNull(dmiDir.resolve("product_serial")));
  }

  /**
   * Refuses a task that names a system UUID or serial different from this machine's. A task that
   * names one this machine cannot show is refused too: running another machine's recipe would
   * overwrite the wrong disks.
   */
  public void check(MachineRef wanted) throws IntakeException {
    if (wanted.systemUuid() != null) {
      String w = wanted.systemUuid().toLowerCase(Locale.ROOT);
      if (systemUuid == null) {
        throw new IntakeException(
            "task is for machine "
                + wanted.id()
                + " (system UUID "
                + w
                + ") but this machine's DMI UUID is unreadable");
      }
      if (!w.equals(systemUuid) && !w.equals(swapped(systemUuid))) {
        throw new IntakeException(
            "task is for machine "
                + wanted.id()
                + " (system UUID "
                + w
                + "), this machine is "
                + systemUuid);
      }
    }
    if (wanted.serial() != null) {
      if (serial == null) {
        throw new IntakeException(
            "task is for machine "
                + wanted.id()
                + " (serial "
                + wanted.serial()
                + ") but this machine's DMI serial is unreadable");
      }
      if (!wanted.serial().strip().equalsIgnoreCase(serial)) {
        throw new IntakeException(
            "task is for machine "
                + wanted.id()
                + " (serial "
                + wanted.serial()
                + "), this machine's serial is "
                + serial);
      }
    }
  }

  /**
   * The UUID with its first three fields byte-swapped.
   *
   * <p>QUIRK(SMBIOS before 2.6, some BMCs): the first three fields of the system UUID are stored
   * little-endian in SMBIOS but shown big-endian by others (Redfish {@code UUID}, IPMI), so the
   * same machine can appear under both forms.
   */
  static String swapped(String uuid) {
    String h = uuid.replace("-", "");
    if (h.length() != 32) {
      return uuid;
    }
    String s =
        rev(h.substring(0, 8))
            + rev(h.substring(8, 12))
            + rev(h.substring(12, 16))
            + h.substring(16);
    return s.substring(0, 8)
        + "-"
        + s.substring(8, 12)
        + "-"
        + s.substring(12, 16)
        + "-"
        + s.substring(16, 20)
        + "-"
        + s.substring(20);
  }

  private static String rev(String hexBytes) {
    StringBuilder b = new StringBuilder();
    for (int i = hexBytes.length() - 2; i >= 0; i -= 2) {
      b.append(hexBytes, i, i + 2);
    }
    return b.toString();
  }

  private static String readOrNull(Path p) {
    try {
      String s = Files.readString(p).strip();
      return s.isEmpty() ? null : s;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
