/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.BootloaderStep;
import dev.plinth.recipes.model.BootloaderType;
import dev.plinth.recipes.model.ConfigDriveStep;
import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.FirmwareStep;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.recipes.model.OsImageStep;
import dev.plinth.recipes.model.Partition;
import dev.plinth.recipes.model.PartitionStep;
import dev.plinth.recipes.model.RunStep;
import dev.plinth.recipes.model.Step;
import dev.plinth.recipes.model.Target;
import dev.plinth.recipes.model.TextValue;
import dev.plinth.recipes.model.WimStep;
import dev.plinth.recipes.model.WipePolicy;
import dev.plinth.recipes.model.WipeScope;
import dev.plinth.recipes.model.WipeStep;
import dev.plinth.recipes.model.WireNames;
import dev.plinth.recipes.plan.ExpandedStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The argument contract of each shorthand (documented in {@code docs/recipes.md}): which tool image
 * it runs, with which arguments, files, devices and default time limit.
 */
final class Shorthands {
  /** Where a step's {@code files} are mounted (read-only) in its container. */
  static final String INPUT_DIR = "/plinth/input/";

  static final String EFIVARS = "/sys/firmware/efi/efivars";

  /** Partition type names and their GPT type GUIDs. */
  static final Map<String, String> TYPE_GUIDS =
      Map.of(
          "esp", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
          "linux", "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
          "linux-root-x86-64", "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
          "linux-root-arm64", "B921B045-1DF0-41C3-AF44-4C6F280D3FAE",
          "linux-swap", "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F",
          "linux-lvm", "E6D6D379-F507-44C2-A23C-238F2A3DF928",
          "msr", "E3C9E316-0B5C-4DB8-817D-F92DF00215AE",
          "windows-basic", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
          "windows-recovery", "DE94BBA4-06D1-4D40-A16A-BFD50179D6AC",
          "bios-boot", "21686148-6449-6E6F-744E-656564454649");

  private Shorthands() {}

  /** What a shorthand needs from the expander: tool images, substitution and pinning. */
  interface Context {
    String tool(Tool tool, String ptr);

    String ref(ImageRef ref, String ptr);

    String text(String value, String ptr);

    Object tree(Object value, String ptr);
  }

  static ExpandedStep expand(Step step, String ptr, Context c) {
    return switch (step) {
      case RunStep r -> run(r, ptr, c);
      case PartitionStep p -> partition(p, ptr, c);
      case OsImageStep i -> image(i, ptr, c);
      case WimStep w -> wim(w, ptr, c);
      case BootloaderStep b -> bootloader(b, ptr, c);
      case ConfigDriveStep d -> ConfigDrives.expand(d, ptr, c);
      case FirmwareStep f -> firmware(f, ptr, c);
      case WipeStep w -> wipe(w, ptr, c);
    };
  }

  /** The step that applies the disk's wipe policy before the first step. */
  static ExpandedStep diskWipe(WipePolicy policy, Context c) {
    Duration limit =
        switch (policy) {
          case ZERO -> Duration.ofHours(24);
          case DISCARD -> Duration.ofHours(1);
          default -> Duration.ofMinutes(5);
        };
    return new Builder("plinth-disk-wipe", "disk-wipe", c.tool(Tool.SGDISK, "/disk/wipe"))
        .args("wipe", "--method", WireNames.of(policy), "--disks", "target")
        .device(DeviceClass.TARGET_DISK)
        .build(
            new dev.plinth.recipes.model.StepPolicy(
                Optional.empty(), 0, dev.plinth.recipes.model.OnFailure.ABORT),
            limit);
  }

  private static ExpandedStep run(RunStep r, String ptr, Context c) {
    Builder b = new Builder(r.name(), "run", c.ref(r.image(), ptr + "/run/image"));
    for (int i = 0; i < r.args().size(); i++) {
      b.args.add(c.text(r.args().get(i), ptr + "/run/args/" + i));
    }
    r.env()
        .forEach(
            (k, v) -> {
              String vp = ptr + "/run/env/" + SourceMap.escape(k);
              switch (v) {
                case TextValue.Literal l -> b.env.put(k, c.text(l.value(), vp));
                case TextValue.SecretRef s -> b.secretEnv.put(k, s.name());
              }
            });
    r.devices().stream().sorted().forEach(b::device);
    b.privileged = r.privileged();
    return b.build(r.policy(), Duration.ofMinutes(30));
  }

  private static ExpandedStep partition(PartitionStep p, String ptr, Context c) {
    Builder b = new Builder(p.name(), "partition", c.tool(Tool.SGDISK, ptr));
    b.args("partition", "--table", "gpt");
    int n = 1;
    for (Partition x : p.partitions()) {
      String size = x.size().map(s -> Long.toString(s.bytes())).orElse("rest");
      b.args(
          "--part",
          n++
              + ":"
              + x.label()
              + ":"
              + size
              + ":"
              + typeGuid(x.type())
              + ":"
              + WireNames.of(x.filesystem()));
    }
    return b.device(DeviceClass.TARGET_DISK).build(p.policy(), Duration.ofMinutes(10));
  }

  static String typeGuid(String type) {
    return TYPE_GUIDS.getOrDefault(type, type.toUpperCase(Locale.ROOT));
  }

  static String target(Target t) {
    return switch (t) {
      case Target.Disk d -> "disk";
      case Target.Partition p -> "partition=" + p.label();
    };
  }

  private static ExpandedStep image(OsImageStep i, String ptr, Context c) {
    Builder b = new Builder(i.name(), "image", c.tool(Tool.LINUX_IMAGER, ptr));
    b.args("write", "--source", c.ref(i.ref(), ptr + "/image/ref"));
    b.args("--format", WireNames.of(i.format()), "--compression", WireNames.of(i.compression()));
    b.args("--target", target(i.target()));
    i.digest().ifPresent(d -> b.args("--digest", d));
    return b.device(DeviceClass.TARGET_DISK).build(i.policy(), Duration.ofMinutes(60));
  }

  private static ExpandedStep wim(WimStep w, String ptr, Context c) {
    Builder b = new Builder(w.name(), "wim", c.tool(Tool.WIMAPPLY, ptr));
    b.args("apply", "--source", c.ref(w.ref(), ptr + "/wim/ref"));
    b.args("--index", Integer.toString(w.index()), "--target", target(w.target()));
    w.digest().ifPresent(d -> b.args("--digest", d));
    return b.device(DeviceClass.TARGET_DISK).build(w.policy(), Duration.ofMinutes(90));
  }

  private static ExpandedStep bootloader(BootloaderStep s, String ptr, Context c) {
    boolean windows = s.type() == BootloaderType.BCD;
    Builder b =
        new Builder(
            s.name(),
            "bootloader",
            c.tool(windows ? Tool.WINDOWS_BOOTLOADER : Tool.LINUX_BOOTLOADER, ptr));
    b.args("install");
    if (!windows) {
      b.args("--loader", WireNames.of(s.type()));
    }
    b.args("--esp", s.esp());
    s.root().ifPresent(r -> b.args(windows ? "--windows" : "--root", r));
    s.entryName().ifPresent(e -> b.args("--entry", e));
    for (int i = 0; i < s.kernelArgs().size(); i++) {
      b.args("--kernel-arg", c.text(s.kernelArgs().get(i), ptr + "/bootloader/kernelArgs/" + i));
    }
    b.mounts.add(EFIVARS);
    return b.device(DeviceClass.TARGET_DISK).build(s.policy(), Duration.ofMinutes(10));
  }

  private static ExpandedStep firmware(FirmwareStep f, String ptr, Context c) {
    Builder b = new Builder(f.name(), "firmware", c.tool(Tool.VENDOR_FIRMWARE, ptr));
    b.args(
        "apply", "--vendor", WireNames.of(f.vendor()), "--component", WireNames.of(f.component()));
    b.args("--source", c.ref(f.ref(), ptr + "/firmware/ref"));
    f.digest().ifPresent(d -> b.args("--digest", d));
    b.args("--reboot", WireNames.of(f.reboot()));
    return b.build(f.policy(), Duration.ofMinutes(60));
  }

  private static ExpandedStep wipe(WipeStep w, String ptr, Context c) {
    Builder b = new Builder(w.name(), "wipe", c.tool(Tool.SGDISK, ptr));
    b.args("wipe", "--method", WireNames.of(w.method()), "--disks", WireNames.of(w.disks()));
    if (w.verify()) {
      b.args("--verify");
    }
    b.device(w.disks() == WipeScope.ALL ? DeviceClass.ALL_DISKS : DeviceClass.TARGET_DISK);
    return b.build(w.policy(), Duration.ofHours(24));
  }

  /** Collects one expanded step. Shorthand tools run privileged: they write disks and NVRAM. */
  static final class Builder {
    final String name;
    final String action;
    final String image;
    final List<String> args = new ArrayList<>();
    final TreeMap<String, String> env = new TreeMap<>();
    final TreeMap<String, String> secretEnv = new TreeMap<>();
    final TreeMap<String, String> files = new TreeMap<>();
    final TreeMap<String, String> secretFiles = new TreeMap<>();
    final List<DeviceClass> devices = new ArrayList<>();
    final List<String> mounts = new ArrayList<>();
    boolean privileged = true;

    Builder(String name, String action, String image) {
      this.name = name;
      this.action = action;
      this.image = image;
    }

    Builder args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    Builder device(DeviceClass d) {
      devices.add(d);
      return this;
    }

    ExpandedStep build(dev.plinth.recipes.model.StepPolicy p, Duration defaultTimeout) {
      return new ExpandedStep(
          name,
          action,
          image,
          args,
          env,
          secretEnv,
          files,
          secretFiles,
          p.timeout().orElse(defaultTimeout).toSeconds(),
          p.retries(),
          p.onFailure(),
          devices,
          mounts,
          privileged);
    }
  }
}
