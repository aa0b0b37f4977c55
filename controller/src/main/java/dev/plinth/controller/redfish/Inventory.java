/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.List;

/**
 * What a system reports about itself, for {@code plinth bmc inspect} and machine registration.
 *
 * @param identity the BMC and the resources driven
 * @param systemId the ComputerSystem Id
 * @param serialNumber serial number
 * @param uuid system UUID
 * @param powerState current power state
 * @param bootMode current BootSourceOverrideMode, or null when the BMC does not report it
 * @param bootTarget current BootSourceOverrideTarget
 * @param bootEnabled current BootSourceOverrideEnabled
 * @param allowedBootTargets what the BMC accepts as boot override targets (empty: not listed)
 * @param allowedResetTypes what the BMC accepts as ResetType (empty: not listed)
 * @param macAddresses MACs of the system's Ethernet interfaces
 * @param disks disks, where exposed
 * @param mediaSlots virtual media slots
 * @param systems Ids of every system of the BMC
 * @param manufacturer the system's manufacturer, or null
 * @param model the system's model, or null
 * @param processors processor summary (sockets, model, logical CPUs), or null when not reported
 * @param memoryGiB installed memory in GiB, or null when not reported
 * @param nics the Ethernet interfaces, with their MACs (the same MACs as {@code macAddresses})
 */
public record Inventory(
    BmcIdentity identity,
    String systemId,
    String serialNumber,
    String uuid,
    PowerState powerState,
    String bootMode,
    String bootTarget,
    String bootEnabled,
    List<String> allowedBootTargets,
    List<String> allowedResetTypes,
    List<String> macAddresses,
    List<Disk> disks,
    List<MediaSlot> mediaSlots,
    List<String> systems,
    String manufacturer,
    String model,
    Processors processors,
    Double memoryGiB,
    List<Nic> nics) {

  public Inventory {
    nics = nics == null ? List.of() : List.copyOf(nics);
    allowedBootTargets = List.copyOf(allowedBootTargets);
    allowedResetTypes = List.copyOf(allowedResetTypes);
    macAddresses = List.copyOf(macAddresses);
    disks = List.copyOf(disks);
    mediaSlots = List.copyOf(mediaSlots);
    systems = List.copyOf(systems);
  }

  /**
   * The processors, as the system's {@code ProcessorSummary} says.
   *
   * @param count sockets, or null
   * @param model model, or null
   * @param logical logical CPUs (threads), or null
   */
  public record Processors(Integer count, String model, Integer logical) {}

  /**
   * An Ethernet interface.
   *
   * @param name its Id (the BMC's name for it)
   * @param mac its MAC address, lower case
   * @param linkStatus LinkUp, LinkDown, NoLink, or null
   * @param speedMbps link speed, or null
   */
  public record Nic(String name, String mac, String linkStatus, Integer speedMbps) {}

  /**
   * A disk, as far as the BMC describes it: a Storage Drive, or a SimpleStorage device (which has
   * no serial number or media type).
   *
   * @param name the drive's Name (its Id when unnamed)
   * @param model model, or null
   * @param capacityBytes size, or null
   * @param serialNumber serial number, or null
   * @param mediaType HDD, SSD or SMR, or null
   */
  public record Disk(
      String name, String model, Long capacityBytes, String serialNumber, String mediaType) {}
}
