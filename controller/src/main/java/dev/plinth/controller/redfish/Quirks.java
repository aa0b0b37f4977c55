/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.redfish.model.ComputerSystem;
import dev.plinth.controller.redfish.model.Manager;
import dev.plinth.controller.redfish.model.ServiceRoot;
import dev.plinth.controller.redfish.model.VirtualMedia;
import java.util.Locale;
import java.util.Set;

/**
 * The vendor deviations the client works around, chosen once from what the BMC says it is. Each
 * flag names its source in docs/redfish.md and is exercised by a fixture of that vendor.
 *
 * @param vendor the family
 * @param ifMatchOnPatch send If-Match (from the ETag) on PATCH
 * @param supermicroUsbCd map the Cd boot target to UsbCd
 * @param pinnedSlotId the only usable VirtualMedia slot Id, or null
 * @param pollTaskResource poll the Task resource instead of its monitor
 * @param retryOnConflict retry ResetType=On on 409 ActionParameterValueConflict
 */
record Quirks(
    Vendor vendor,
    boolean ifMatchOnPatch,
    boolean supermicroUsbCd,
    String pinnedSlotId,
    boolean pollTaskResource,
    boolean retryOnConflict) {

  // QUIRK(Supermicro ARS-111GL-NHR): its virtual CD boots with the standard Cd target.
  private static final Set<String> SUPERMICRO_STANDARD_CD = Set.of("ARS-111GL-NHR");

  static Quirks generic() {
    return new Quirks(Vendor.GENERIC, true, false, null, false, false);
  }

  static Quirks of(ServiceRoot root, ComputerSystem system, Manager manager) {
    Vendor v = detect(root, system, manager);
    String model = system == null || system.model() == null ? "" : system.model();
    return switch (v) {
      // QUIRK(Dell iDRAC10): only VirtualMedia slot "1" works; On is refused with 409 for a while
      // after a power-off.
      case DELL -> new Quirks(v, true, false, idrac10(manager) ? "1" : null, false, true);
      case HPE -> new Quirks(v, true, false, null, false, false);
      // QUIRK(Supermicro X11/X12): the virtual CD boots only with the non-standard UsbCd target.
      case SUPERMICRO ->
          new Quirks(v, true, !SUPERMICRO_STANDARD_CD.contains(model), null, false, false);
      // QUIRK(Lenovo XCC): GET on a finished task monitor deletes the task: poll the Task.
      case LENOVO -> new Quirks(v, true, false, null, true, false);
      // QUIRK(OpenBMC bmcweb): If-Match is optional and mismatches 412; bmclib turns it off.
      case OPENBMC -> new Quirks(v, false, false, null, false, false);
      case GENERIC -> generic();
    };
  }

  /** iDRAC generation from the Manager Model ("14G Monolithic", "17G ..." is iDRAC10). */
  static boolean idrac10(Manager m) {
    if (m == null || m.model() == null || m.model().length() < 2) {
      return false;
    }
    try {
      return Integer.parseInt(m.model().substring(0, 2)) >= 17;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static Vendor detect(ServiceRoot root, ComputerSystem system, Manager manager) {
    StringBuilder said = new StringBuilder();
    if (root != null) {
      said.append(root.vendor()).append(' ').append(root.product()).append(' ');
      JsonNode oem = root.oem();
      if (oem != null) {
        oem.fieldNames().forEachRemaining(f -> said.append(f).append(' '));
      }
    }
    if (system != null) {
      said.append(system.manufacturer()).append(' ');
    }
    if (manager != null) {
      said.append(manager.model()).append(' ');
    }
    String s = said.toString().toLowerCase(Locale.ROOT);
    if (s.contains("dell")) {
      return Vendor.DELL;
    }
    if (s.contains("hpe") || s.contains("hewlett")) {
      return Vendor.HPE;
    }
    if (s.contains("supermicro")) {
      return Vendor.SUPERMICRO;
    }
    if (s.contains("lenovo")) {
      return Vendor.LENOVO;
    }
    if (s.contains("openbmc")) {
      return Vendor.OPENBMC;
    }
    return Vendor.GENERIC;
  }

  /** The boot target to send for {@code target}, given what the BMC allows. */
  String bootTarget(BootTarget target, java.util.List<String> allowed) {
    if (target == BootTarget.CD
        && supermicroUsbCd
        && allowed != null
        && allowed.contains("UsbCd")) {
      return "UsbCd";
    }
    return target.redfish();
  }

  /** Whether a slot holds media, by this vendor's reading of the flags. */
  boolean occupied(VirtualMedia vm) {
    boolean hasImage = vm.image() != null && !vm.image().isBlank();
    if (vendor == Vendor.LENOVO) {
      // QUIRK(Lenovo XCC): Inserted can lag Image or the other way round; either means in use.
      return Boolean.TRUE.equals(vm.inserted()) || hasImage;
    }
    if (vm.inserted() != null) {
      // QUIRK(Supermicro X12/H13): Image/ImageName survive an eject; Inserted=false (and
      // ConnectedVia=NotConnected) is the truth.
      return vm.inserted();
    }
    return hasImage && !"NotConnected".equals(vm.connectedVia());
  }

  /** Whether a slot may be used for an ISO at all. */
  boolean usableSlot(VirtualMedia vm) {
    String id = vm.id() == null ? "" : vm.id();
    if (pinnedSlotId != null && !pinnedSlotId.equals(id)) {
      return false;
    }
    // QUIRK(Lenovo XCC >= 2.50): RDOC slots are upload-only.
    if (vendor == Vendor.LENOVO && id.startsWith("RDOC")) {
      return false;
    }
    if (vm.mediaTypes().isEmpty()) {
      // QUIRK(Lenovo XCC): some firmware leaves MediaTypes empty; try the slot.
      return vendor == Vendor.LENOVO;
    }
    return vm.mediaTypes().contains("CD") || vm.mediaTypes().contains("DVD");
  }

  /**
   * Whether a slot may take a second image beside the boot ISO: a CD, DVD, USB stick or removable
   * disk slot. A pinned slot id pins only the boot slot.
   */
  boolean usableSecondSlot(VirtualMedia vm) {
    String id = vm.id() == null ? "" : vm.id();
    if (vendor == Vendor.LENOVO && id.startsWith("RDOC")) {
      return false;
    }
    if (vm.mediaTypes().isEmpty()) {
      return vendor == Vendor.LENOVO;
    }
    return vm.mediaTypes().stream().anyMatch(Media.IMAGE_TYPES::contains);
  }

  /** Slot preference, lower first: free slots, XCC Remote/EXT before others, CD before DVD. */
  int rank(VirtualMedia vm) {
    int r = occupied(vm) ? 10 : 0;
    String id = vm.id() == null ? "" : vm.id();
    if (vendor == Vendor.LENOVO && !(id.startsWith("EXT") || id.startsWith("Remote"))) {
      r += 5;
    }
    if (!vm.mediaTypes().contains("CD")) {
      r += 1;
    }
    return r;
  }
}
