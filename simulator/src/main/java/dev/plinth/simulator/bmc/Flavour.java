/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a simulated BMC answers: the DMTF mockup it starts from, the ids and names a vendor uses,
 * where its VirtualMedia hangs, and which deviations ({@link Behaviour}) it shows. The shapes
 * follow the vendor notes in docs/redfish.md (and ../shared/redfish-quirks.md).
 */
public enum Flavour {
  /** The DMTF public-rackmount1 mockup, made stateful: PATCH-only media under the System. */
  GENERIC(
      new Shape(
          "public-rackmount1",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          false,
          List.of(
              new SlotSpec(
                  "CD1",
                  List.of("CD", "DVD"),
                  false,
                  false,
                  true,
                  "http://redfish.dmtf.org/freeImages/freeOS.1.1.iso",
                  true,
                  "Applet"),
              new SlotSpec(
                  "CD2", List.of("CD", "DVD"), false, false, true, null, false, "NotConnected"),
              new SlotSpec(
                  "Floppy1",
                  List.of("Floppy", "USBStick"),
                  false,
                  false,
                  false,
                  null,
                  false,
                  "NotConnected")),
          List.of(
              "None",
              "Pxe",
              "Cd",
              "Usb",
              "Hdd",
              "BiosSetup",
              "Utilities",
              "Diags",
              "SDCard",
              "UefiTarget"),
          List.of("Disabled", "Once", "Continuous"),
          List.of(
              "On",
              "ForceOff",
              "GracefulShutdown",
              "GracefulRestart",
              "ForceRestart",
              "Nmi",
              "ForceOn",
              "PushPowerButton"),
          EtagStyle.WEAK,
          "GET,PATCH",
          64,
          EnumSet.noneOf(Behaviour.class))),
  /** Dell iDRAC10-like: media under the System, slot "1" is the one that boots. */
  DELL(
      new Shape(
          "public-rackmount1",
          "System.Embedded.1",
          "iDRAC.Embedded.1",
          "Dell",
          "Dell",
          "Dell Inc.",
          "PowerEdge R760",
          "17G Monolithic",
          "1.20.25.00",
          false,
          List.of(
              new SlotSpec(
                  "2",
                  List.of("CD", "DVD", "USBStick"),
                  true,
                  true,
                  false,
                  null,
                  false,
                  "NotConnected"),
              new SlotSpec(
                  "1",
                  List.of("CD", "DVD", "USBStick"),
                  true,
                  true,
                  true,
                  null,
                  false,
                  "NotConnected")),
          List.of(
              "None",
              "Pxe",
              "Floppy",
              "Cd",
              "Hdd",
              "BiosSetup",
              "Utilities",
              "UefiTarget",
              "SDCard",
              "UefiHttp"),
          List.of("Disabled", "Once", "Continuous"),
          List.of(
              "On",
              "ForceOff",
              "ForceRestart",
              "GracefulRestart",
              "GracefulShutdown",
              "PushPowerButton",
              "Nmi",
              "PowerCycle"),
          EtagStyle.DELL_GZIP,
          "GET",
          64,
          EnumSet.of(
              Behaviour.EJECT_WITHOUT_BODY_400,
              Behaviour.IF_MATCH_ON_ACTION_412,
              Behaviour.ON_CONFLICT_AFTER_OFF,
              Behaviour.ALREADY_ON_409,
              Behaviour.BOOT_ONLY_IN_SETTINGS))),
  /** HPE iLO 5 (ProLiant Gen10 Plus): CD is slot 2 under the Manager. */
  HPE_ILO5(hpe("ProLiant DL360 Gen10 Plus", "iLO 5", "iLO 5 v3.04")),
  /** HPE iLO 6 (ProLiant Gen11). */
  HPE_ILO6(hpe("ProLiant DL380 Gen11", "iLO 6", "iLO 6 v1.59")),
  /** Supermicro X12: UsbCd boots the virtual CD; InsertMedia takes Image only. */
  SUPERMICRO(
      new Shape(
          "public-rackmount1",
          "1",
          "1",
          "Supermicro",
          "Supermicro",
          "Supermicro",
          "X12DPi-NT6",
          "BMC",
          "01.03.07",
          true,
          List.of(
              new SlotSpec(
                  "CD1", List.of("CD", "DVD"), true, true, true, null, false, "NotConnected"),
              new SlotSpec(
                  "USB1", List.of("USBStick"), true, true, false, null, false, "NotConnected")),
          List.of(
              "None",
              "Pxe",
              "Floppy",
              "Cd",
              "Usb",
              "Hdd",
              "BiosSetup",
              "UsbCd",
              "UefiBootNext",
              "UefiHttp"),
          List.of("Disabled", "Once", "Continuous"),
          List.of(
              "On",
              "ForceOff",
              "GracefulShutdown",
              "GracefulRestart",
              "ForceRestart",
              "Nmi",
              "ForceOn"),
          EtagStyle.STRONG,
          "GET",
          64,
          EnumSet.of(
              Behaviour.INSERT_REJECTS_INSERTED,
              Behaviour.CD_NEEDS_USBCD,
              Behaviour.MODE_RESETS_WITHOUT_MODE,
              Behaviour.ENABLED_REQUIRED,
              Behaviour.KEEPS_IMAGE_AFTER_EJECT))),
  /** Lenovo XCC: PATCH-only media (EXT*, RDOC*), If-Match required, 16 sessions. */
  LENOVO(
      new Shape(
          "public-rackmount1",
          "1",
          "1",
          "Lenovo",
          "Lenovo",
          "Lenovo",
          "ThinkSystem SR650 V3",
          "Lenovo XClarity Controller",
          "ESX334P",
          true,
          List.of(
              new SlotSpec(
                  "RDOC1", List.of("CD", "DVD"), false, false, false, null, false, "NotConnected"),
              new SlotSpec(
                  "EXT1", List.of("CD", "DVD"), false, false, true, null, false, "NotConnected"),
              new SlotSpec(
                  "EXT2", List.of("CD", "DVD"), false, false, true, null, false, "NotConnected")),
          List.of("None", "Pxe", "Cd", "Usb", "Hdd", "BiosSetup", "Diags", "UefiTarget"),
          List.of("Disabled", "Once"),
          List.of("On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "Nmi"),
          EtagStyle.STRONG,
          "GET,PATCH",
          16,
          EnumSet.of(
              Behaviour.IF_MATCH_REQUIRED,
              Behaviour.MONITOR_DELETES_TASK,
              Behaviour.PATCH_NEEDS_INSERTED))),
  /** OpenBMC bmcweb: a proxy slot with eject only, a legacy slot taking https:// images. */
  OPENBMC(
      new Shape(
          "public-rackmount1",
          "system",
          "bmc",
          "OpenBMC",
          "OpenBmc",
          "OpenBMC Reference",
          "Romulus",
          "OpenBmc",
          "2.17.0",
          true,
          List.of(
              new SlotSpec(
                  "Slot_0",
                  List.of("CD", "USBStick"),
                  false,
                  true,
                  false,
                  null,
                  false,
                  "NotConnected"),
              new SlotSpec(
                  "Slot_1",
                  List.of("CD", "USBStick"),
                  true,
                  true,
                  true,
                  null,
                  false,
                  "NotConnected")),
          List.of("None", "Pxe", "Hdd", "Cd", "Diags", "BiosSetup", "Usb"),
          List.of("Disabled", "Once", "Continuous"),
          List.of(
              "On",
              "ForceOff",
              "ForceOn",
              "ForceRestart",
              "GracefulRestart",
              "GracefulShutdown",
              "PowerCycle",
              "Nmi"),
          EtagStyle.STRONG,
          "GET",
          64,
          EnumSet.of(Behaviour.HTTPS_IMAGES_ONLY))),
  /** The DMTF public-bladed mockup: four blade systems, five managers, no virtual media. */
  BLADED(
      new Shape(
          "public-bladed",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          false,
          List.of(),
          null,
          List.of("Disabled", "Once", "Continuous"),
          null,
          EtagStyle.WEAK,
          null,
          64,
          EnumSet.noneOf(Behaviour.class)));

  /** A deviation from the standard that a flavour shows. */
  public enum Behaviour {
    EJECT_WITHOUT_BODY_400,
    EJECT_WITHOUT_BODY_415,
    EJECT_EMPTY_FAILS,
    CONTENT_TYPE_REQUIRED,
    IF_MATCH_ON_ACTION_412,
    IF_MATCH_REQUIRED,
    ON_CONFLICT_AFTER_OFF,
    ALREADY_ON_409,
    BOOT_ONLY_IN_SETTINGS,
    REFUSES_BOOT_PATCH_DURING_POST,
    INSERT_REJECTS_INSERTED,
    CD_NEEDS_USBCD,
    MODE_RESETS_WITHOUT_MODE,
    ENABLED_REQUIRED,
    KEEPS_IMAGE_AFTER_EJECT,
    MONITOR_DELETES_TASK,
    PATCH_NEEDS_INSERTED,
    HTTPS_IMAGES_ONLY
  }

  /** How ETags look. */
  enum EtagStyle {
    WEAK,
    STRONG,
    /** {@code "n-gzip"} in the header, while only {@code "n"} matches (iDRAC). */
    DELL_GZIP
  }

  /** A VirtualMedia slot of a flavour. */
  record SlotSpec(
      String id,
      List<String> mediaTypes,
      boolean insertAction,
      boolean ejectAction,
      boolean bootable,
      String image,
      boolean inserted,
      String connectedVia) {}

  /** Everything that makes a flavour. Null names keep the mockup's. */
  record Shape(
      String mockup,
      String systemId,
      String managerId,
      String vendor,
      String oemKey,
      String manufacturer,
      String model,
      String managerModel,
      String firmware,
      boolean mediaOnManager,
      List<SlotSpec> slots,
      List<String> bootTargets,
      List<String> enabledValues,
      List<String> resetTypes,
      EtagStyle etagStyle,
      String allow,
      int maxSessions,
      Set<Behaviour> behaviours) {}

  private static Shape hpe(String model, String managerModel, String firmware) {
    return new Shape(
        "public-rackmount1",
        "1",
        "1",
        "HPE",
        "Hpe",
        "HPE",
        model,
        managerModel,
        firmware,
        true,
        List.of(
            new SlotSpec(
                "1", List.of("Floppy", "USBStick"), true, true, false, null, false, "NotConnected"),
            new SlotSpec("2", List.of("CD", "DVD"), true, true, true, null, false, "NotConnected")),
        List.of(
            "None",
            "Cd",
            "Hdd",
            "Usb",
            "SDCard",
            "Utilities",
            "Diags",
            "BiosSetup",
            "Pxe",
            "UefiShell",
            "UefiHttp",
            "UefiTarget"),
        List.of("Disabled", "Once", "Continuous"),
        List.of(
            "On",
            "ForceOff",
            "GracefulShutdown",
            "ForceRestart",
            "Nmi",
            "PushPowerButton",
            "GracefulRestart"),
        EtagStyle.WEAK,
        "GET",
        64,
        EnumSet.of(
            Behaviour.EJECT_WITHOUT_BODY_415,
            Behaviour.EJECT_EMPTY_FAILS,
            Behaviour.CONTENT_TYPE_REQUIRED,
            Behaviour.REFUSES_BOOT_PATCH_DURING_POST));
  }

  private final Shape shape;

  Flavour(Shape shape) {
    this.shape = shape;
  }

  Shape shape() {
    return shape;
  }

  /** Whether this flavour shows {@code b}. */
  public boolean has(Behaviour b) {
    return shape.behaviours().contains(b);
  }

  /** Parses a flavour name, case-insensitive, {@code -} or {@code _}. */
  public static Flavour parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
