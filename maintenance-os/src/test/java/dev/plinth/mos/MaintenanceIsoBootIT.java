/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.mos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Boots the maintenance ISO as a BMC's virtual CD would: QEMU TCG, q35, SeaBIOS (the BIOS path; the
 * e2e runs cover UEFI) or OVMF, the ISO on a virtio-scsi CD (not AHCI: GRUB reads that at 2.8 MB/s
 * under OVMF), a virtio-net NIC on user-mode networking. The ISO is first remastered with {@link
 * MaintenanceIso#withKernelArgs} to add {@code plinth.selftest=1} (so the one-slot path is
 * exercised too); the self-test prints PLINTH-MOS-SELFTEST lines after PLINTH-MOS-READY. Checks:
 * the ready marker, a DHCP lease, {@code podman info} (crun, overlay, netavark), Quadlet, the Java
 * runtime and a running dispatcher. {@code -Dmos.bootRuns=3} boots three times for timing.
 */
class MaintenanceIsoBootIT {
  private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");

  /**
   * SeaBIOS by default: both end-to-end runs (e2e module) boot this ISO under OVMF from a QEMU
   * BMC's virtual CD, one of them remastered per job, so this test keeps the BIOS path (ISOLINUX)
   * and the self-test; {@code -Dmos.firmware=ovmf} boots UEFI instead.
   */
  private static final boolean UEFI = "ovmf".equals(System.getProperty("mos.firmware", "seabios"));

  record Boot(List<String> lines, double readySeconds, double endSeconds) {
    String line(String prefix) {
      return lines.stream().filter(l -> l.contains(prefix)).findFirst().orElse("");
    }
  }

  @Test
  void bootsToReadyWithNetworkPodmanQuadletAndTheDispatcher() throws Exception {
    MosBuild.requirePeers("qemu-system-x86_64", UEFI ? OVMF.toString() : "qemu-system-x86_64");
    MosBuild.Built built = MosBuild.first();
    Path iso = MosBuild.buildDir().resolve("mos-selftest.iso");
    long t0 = System.nanoTime();
    MaintenanceIso.withKernelArgs(built.iso(), List.of("plinth.selftest=1"), iso);
    System.err.printf(
        "remaster (%d MiB) took %d ms%n",
        Files.size(iso) >> 20, (System.nanoTime() - t0) / 1_000_000);
    int runs = Integer.getInteger("mos.bootRuns", 1);
    for (int r = 0; r < runs; r++) {
      Boot b = boot(iso, 420);
      String all = String.join("\n", b.lines());
      System.err.printf(
          "maintenance ISO (%d MiB) %s+virtio-scsi: PLINTH-MOS-READY after %.1f s, self-test done"
              + " after %.1f s%n",
          Files.size(built.iso()) >> 20,
          UEFI ? "OVMF" : "SeaBIOS",
          b.readySeconds(),
          b.endSeconds());
      b.lines().stream()
          .filter(l -> l.contains("SELFTEST boot") || l.contains("SELFTEST chain"))
          .forEach(System.err::println);
      assertThat(b.readySeconds()).as("no PLINTH-MOS-READY:\n%s", all).isPositive();
      assertThat(b.line("PLINTH-MOS-READY")).contains("state=running");
      assertThat(b.line("PLINTH-MOS-SELFTEST address")).as(all).contains("10.0.2.15/24");
      assertThat(b.line("PLINTH-MOS-SELFTEST route")).contains("default via 10.0.2.2");
      assertThat(b.line("PLINTH-MOS-SELFTEST podman"))
          .as(all)
          .contains("runtime=crun", "storage=overlay", "network=netavark", "cgroup=v2");
      assertThat(b.line("PLINTH-MOS-SELFTEST quadlet"))
          .as(all)
          .containsPattern("quadlet .*\\d+\\.\\d+");
      assertThat(b.line("PLINTH-MOS-SELFTEST java")).as(all).contains("version");
      assertThat(b.line("PLINTH-MOS-SELFTEST dispatcher ")).as(all).contains("dispatcher active");
    }
  }

  static Boot boot(Path iso, int timeoutSeconds) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "qemu-system-x86_64",
                "-machine",
                "q35,accel=tcg",
                "-m",
                "3072",
                "-smp",
                "2",
                "-nodefaults",
                "-display",
                "none",
                "-serial",
                "stdio",
                "-monitor",
                "none",
                "-no-reboot"));
    if (UEFI) {
      cmd.addAll(List.of("-bios", OVMF.toString()));
    }
    cmd.addAll(
        List.of(
            "-device",
            "virtio-scsi-pci,id=scsi0",
            "-drive",
            "file=" + iso + ",media=cdrom,readonly=on,if=none,id=cd0",
            "-device",
            "scsi-cd,drive=cd0,bus=scsi0.0,bootindex=1",
            "-netdev",
            "user,id=n0,ipv6=off",
            "-device",
            "virtio-net-pci,netdev=n0,romfile="));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    long t0 = System.nanoTime();
    List<String> lines = new ArrayList<>();
    double ready = -1;
    double end = -1;
    Thread killer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                      p.destroyForcibly();
                    }
                  } catch (InterruptedException e) {
                    p.destroyForcibly();
                  }
                });
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String l;
      while ((l = in.readLine()) != null) {
        double t = (System.nanoTime() - t0) / 1e9;
        lines.add(String.format("%7.1f %s", t, l));
        if (ready < 0 && l.contains("PLINTH-MOS-READY")) {
          ready = t;
        }
        if (l.contains("PLINTH-MOS-SELFTEST end")) {
          end = t;
          break;
        }
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      killer.interrupt();
    }
    return new Boot(lines, ready, end);
  }
}
