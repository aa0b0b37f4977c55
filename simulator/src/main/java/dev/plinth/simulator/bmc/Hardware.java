/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * A machine behind a simulated BMC that is more than state in memory: a QEMU VM ({@link
 * dev.plinth.simulator.bmc.qemu.QemuMachine}). The BMC keeps the Redfish state (boot override,
 * sessions, tasks) and asks the hardware for the power state and the media; the hardware backs the
 * BMC's first system and its first two media slots (drive 0 is the slot that boots, drive 1 the one
 * beside it). Calls come one at a time, under the BMC's lock. Every failure is a {@link
 * HardwareException}, which the BMC answers with a Redfish error (500).
 */
public interface Hardware extends AutoCloseable {

  /** Creates the hardware of one BMC when the simulator starts. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param bmcId the BMC's id ({@code bmc-0} ...)
     * @param identity what the BMC reports for its system; the hardware shows the same (SMBIOS)
     */
    Hardware create(String bmcId, Identity identity) throws IOException;
  }

  /** The system's SMBIOS serial number and UUID, as the BMC's Redfish system reports them. */
  record Identity(String serial, String uuid) {}

  /** How many removable drives back media slots (at most 2 are used). */
  int drives();

  /** Whether the machine runs (Redfish PowerState On). */
  boolean poweredOn();

  /**
   * Resets the machine and lets it run: power on, or restart when it runs.
   *
   * @param device what this boot starts from: {@code Cd}, {@code Hdd}, or another Redfish target
   *     (the default order)
   * @param later what later boots (a reset by the guest) start from
   */
  void start(String device, String later);

  /** Stops the machine at once (Redfish ForceOff). */
  void forceOff();

  /** Asks the guest to power off (ACPI power button, Redfish GracefulShutdown). */
  void gracefulShutdown();

  /** Sends a non-maskable interrupt. */
  void nmi();

  /** Inserts the image at {@code image} into drive {@code drive}. */
  void insert(int drive, URI image);

  /** Ejects drive {@code drive}'s medium (forced when the guest locked the tray). */
  void eject(int drive);

  /**
   * The image in drive {@code drive}: the URL given to {@link #insert} while that medium is in,
   * another name when something else changed it, empty when the drive is empty.
   */
  Optional<String> medium(int drive);

  /** Stops the machine and frees what it holds. */
  @Override
  void close();
}
