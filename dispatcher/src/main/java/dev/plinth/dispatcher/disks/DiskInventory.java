/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.disks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the whole disks from {@code /sys/block} (and {@code /dev/disk/by-path}). Partitions, loop,
 * RAM, optical, device-mapper and MD devices are not disks here.
 */
public final class DiskInventory {

  private static final Pattern DISK =
      Pattern.compile("(sd[a-z]+|vd[a-z]+|xvd[a-z]+|hd[a-z]+|nvme\\d+n\\d+|mmcblk\\d+)");

  private final Path sysBlock;
  private final Path byPathDir;

  public DiskInventory(Path sysBlock, Path byPathDir) {
    this.sysBlock = sysBlock;
    this.byPathDir = byPathDir;
  }

  public static DiskInventory system() {
    return new DiskInventory(Path.of("/sys/block"), Path.of("/dev/disk/by-path"));
  }

  /**
   * The disks of a simulated machine, for the local runner: a 480 GB SATA SSD {@code sda} and a 4
   * TB SATA hard disk {@code sdb}, never touched.
   */
  public static List<BlockDisk> simulated() {
    return List.of(
        new BlockDisk(
            "sda",
            480_103_981_056L,
            false,
            false,
            "sata",
            "SIMULATED SSD",
            "SIM-SSD-0001",
            "",
            List.of("pci-0000:00:17.0-ata-1")),
        new BlockDisk(
            "sdb",
            4_000_787_030_016L,
            true,
            false,
            "sata",
            "SIMULATED HDD",
            "SIM-HDD-0002",
            "",
            List.of("pci-0000:00:17.0-ata-2")));
  }

  /** The disks, sorted by name. */
  public List<BlockDisk> disks() throws IOException {
    List<BlockDisk> out = new ArrayList<>();
    if (!Files.isDirectory(sysBlock)) {
      return out;
    }
    try (Stream<Path> s = Files.list(sysBlock)) {
      for (Path dev : s.sorted().toList()) {
        String name = dev.getFileName().toString();
        if (DISK.matcher(name).matches()) {
          out.add(read(name, dev));
        }
      }
    }
    return out;
  }

  private BlockDisk read(String name, Path dev) throws IOException {
    long sectors = parseLong(text(dev.resolve("size")));
    String serial = first(text(dev.resolve("device/serial")), text(dev.resolve("serial")));
    String wwn = first(text(dev.resolve("device/wwid")), text(dev.resolve("wwid")));
    return new BlockDisk(
        name,
        sectors * 512,
        "1".equals(text(dev.resolve("queue/rotational"))),
        "1".equals(text(dev.resolve("removable"))),
        transport(name, dev),
        text(dev.resolve("device/model")),
        serial,
        wwn,
        byPath(name));
  }

  private static String transport(String name, Path dev) throws IOException {
    if (name.startsWith("nvme")) {
      return "nvme";
    }
    if (name.startsWith("vd")) {
      return "virtio";
    }
    if (name.startsWith("mmcblk")) {
      return "mmc";
    }
    String real =
        Files.isSymbolicLink(dev)
            ? Files.readSymbolicLink(dev).toString().toLowerCase(Locale.ROOT)
            : "";
    if (real.contains("/usb")) {
      return "usb";
    }
    if (real.contains("/ata")) {
      return "sata";
    }
    if (real.contains("/host") && real.contains("sas")) {
      return "sas";
    }
    return "scsi";
  }

  private List<String> byPath(String name) throws IOException {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(byPathDir)) {
      return names;
    }
    try (Stream<Path> s = Files.list(byPathDir)) {
      for (Path link : s.sorted().toList()) {
        if (Files.isSymbolicLink(link)
            && Files.readSymbolicLink(link).getFileName().toString().equals(name)) {
          names.add(link.getFileName().toString());
        }
      }
    }
    return names;
  }

  private static String text(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (IOException | SecurityException e) {
      return "";
    }
  }

  private static String first(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
