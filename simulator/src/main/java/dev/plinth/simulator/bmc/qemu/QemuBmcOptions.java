/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc.qemu;

import dev.plinth.simulator.bmc.Hardware;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the VMs behind QEMU-backed BMCs are made. BMC {@code bmc-N} gets the directory {@code
 * dir/bmc-N/} holding {@code serial.log} (the serial console), {@code qemu.log} (QEMU's own output)
 * and {@code disk.qcow2} (deleted at close unless {@code keepDisk}).
 *
 * @param dir where each VM's directory goes
 * @param firmware OVMF (UEFI, the default) or SeaBIOS
 * @param diskSize the qcow2 disk's size, as {@code qemu-img} takes it ({@code 8G})
 * @param memoryMib guest memory
 * @param cpus guest vCPUs
 * @param keepDisk keep the disk image after close
 * @param qemu the QEMU binary
 * @param commandTimeout how long one QMP command may take (a media change opens the URL)
 * @param mediaSlots virtual media slots the BMC shows: 2 (a CD beside the boot CD, as iDRAC, iLO,
 *     XCC...) or 1 (OpenBMC's single slot: the controller then boots the job's own maintenance ISO)
 */
public record QemuBmcOptions(
    Path dir,
    Firmware firmware,
    String diskSize,
    int memoryMib,
    int cpus,
    boolean keepDisk,
    String qemu,
    Duration commandTimeout,
    int mediaSlots) {

  /** The VM's firmware. */
  public enum Firmware {
    /** UEFI: {@code -bios /usr/share/ovmf/OVMF.fd}. */
    OVMF,
    /** BIOS: QEMU's default SeaBIOS. */
    SEABIOS;

    /** Parses {@code ovmf} or {@code seabios}, case-insensitive. */
    public static Firmware parse(String s) {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }
  }

  /** Where the OVMF image for {@code -bios} lives (Debian's ovmf package). */
  public static final Path OVMF_BIOS = Path.of("/usr/share/ovmf/OVMF.fd");

  public QemuBmcOptions {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(firmware, "firmware");
    Objects.requireNonNull(diskSize, "diskSize");
    Objects.requireNonNull(qemu, "qemu");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (mediaSlots < 1 || mediaSlots > 2) {
      throw new IllegalArgumentException("mediaSlots must be 1 or 2");
    }
    if (memoryMib < 128 || cpus < 1) {
      throw new IllegalArgumentException("memoryMib must be >= 128 and cpus >= 1");
    }
  }

  /** OVMF, an 8 GiB disk, 3 GiB of memory, 2 vCPUs, disks deleted at close, two media slots. */
  public static QemuBmcOptions defaults(Path dir) {
    return new QemuBmcOptions(
        dir, Firmware.OVMF, "8G", 3072, 2, false, "qemu-system-x86_64", Duration.ofSeconds(30), 2);
  }

  public QemuBmcOptions withFirmware(Firmware f) {
    return new QemuBmcOptions(
        dir, f, diskSize, memoryMib, cpus, keepDisk, qemu, commandTimeout, mediaSlots);
  }

  public QemuBmcOptions withDiskSize(String size) {
    return new QemuBmcOptions(
        dir, firmware, size, memoryMib, cpus, keepDisk, qemu, commandTimeout, mediaSlots);
  }

  public QemuBmcOptions withMemoryMib(int mib) {
    return new QemuBmcOptions(
        dir, firmware, diskSize, mib, cpus, keepDisk, qemu, commandTimeout, mediaSlots);
  }

  public QemuBmcOptions withCpus(int n) {
    return new QemuBmcOptions(
        dir, firmware, diskSize, memoryMib, n, keepDisk, qemu, commandTimeout, mediaSlots);
  }

  public QemuBmcOptions withKeepDisk(boolean keep) {
    return new QemuBmcOptions(
        dir, firmware, diskSize, memoryMib, cpus, keep, qemu, commandTimeout, mediaSlots);
  }

  /** With one virtual media slot (OpenBMC) or two. */
  public QemuBmcOptions withMediaSlots(int n) {
    return new QemuBmcOptions(
        dir, firmware, diskSize, memoryMib, cpus, keepDisk, qemu, commandTimeout, n);
  }

  /** The factory to give {@code BmcSimulator.builder().hardware(...)}: one VM per BMC. */
  public Hardware.Factory factory() {
    return (bmcId, identity) -> QemuMachine.start(this, bmcId, identity);
  }
}
