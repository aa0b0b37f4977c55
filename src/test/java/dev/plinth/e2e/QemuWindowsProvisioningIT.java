/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.SimulatedBmc;
import dev.plinth.simulator.bmc.qemu.QemuBmcOptions;
import dev.plinth.simulator.bmc.qemu.QemuMachine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Windows recipe's WIM and BCD steps, for real: {@code plinth serve} with the real maintenance
 * ISO, tool images and CI test WIM ({@code ci-only/os/minimal-wim:1}), one QEMU VM (TCG, OVMF)
 * behind a QEMU-backed simulated BMC with a single virtual media slot (as OpenBMC), so the VM boots
 * the job's own maintenance ISO whose kernel command line names the task ISO's URL (decision 13)
 * rather than the shared one with the task ISO beside it (QemuProvisioningIT covers that); the
 * dispatcher in the VM partitions the disk (ESP, MSR, NTFS), applies the WIM with wimapply and
 * writes the Windows Boot Manager and a BCD store with windows-bootloader. The WIM's boot manager
 * is fake, so nothing boots afterwards: once the job has Succeeded the test stops the VM and reads
 * its disk (qemu-img convert to raw, losetup at an offset, ntfs-3g's ntfsls/ntfscat for NTFS,
 * mtools for the ESP, sgdisk for the partition table).
 */
class QemuWindowsProvisioningIT {

  // Kept when the test fails: the VM's console, the controller's log and its database.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** The Linux run's controller and API helpers, on this test's directory. */
  final QemuProvisioningIT h = new QemuProvisioningIT();

  String loop;

  @AfterEach
  void stop() throws Exception {
    if (h.serve != null) {
      h.serve.destroyForcibly();
    }
    if (loop != null) {
      run("losetup", "-d", loop);
    }
  }

  @Test
  void theWimAndTheBootManagerLandOnTheVirtualDisk() throws Exception {
    h.dir = dir;
    Path iso = QemuProvisioningIT.artifact("plinth.mos.iso", "the maintenance ISO");
    Path tools =
        QemuProvisioningIT.newest(
            QemuProvisioningIT.artifact("plinth.tools.images", "the tool images"), "plinth-tools-");
    Path os =
        QemuProvisioningIT.newest(
            QemuProvisioningIT.artifact("plinth.cios", "the CI test OS bundle"), "");
    for (String tool :
        List.of(
            "qemu-system-x86_64",
            "qemu-img",
            "losetup",
            "sgdisk",
            "ntfsls",
            "ntfscat",
            "mdir",
            "mcopy")) {
      QemuProvisioningIT.requireTool(tool);
    }
    if (!Files.exists(QemuBmcOptions.OVMF_BIOS)) {
      QemuProvisioningIT.missing("OVMF firmware " + QemuBmcOptions.OVMF_BIOS + " (package ovmf)");
    }
    if (!"0".equals(run("id", "-u").strip())) {
      QemuProvisioningIT.missing("root (losetup, to read the VM's disk)");
    }
    Path data = dir.resolve("var");
    for (Path bundle : List.of(tools, os)) {
      assertThat(h.plinth("registry", "import", "--data", data.toString(), bundle.toString()))
          .contains("imported");
    }
    Files.createDirectories(data.resolve("media"));
    Files.createSymbolicLink(data.resolve("media/maintenance.iso"), iso.toAbsolutePath());
    h.port = QemuProvisioningIT.freePortPair();
    h.serve = h.start(data);

    // One virtual media slot, as OpenBMC: the controller boots the job's own maintenance ISO.
    QemuBmcOptions vm =
        QemuBmcOptions.defaults(dir.resolve("vms")).withKeepDisk(true).withMediaSlots(1);
    Path disk;
    String id;
    Duration provisioning;
    List<JsonNode> events;
    Instant start = Instant.now();
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .credentials(QemuProvisioningIT.USER, QemuProvisioningIT.PASSWORD)
            .hardware(vm.factory())
            .start()) {
      SimulatedBmc bmc = sim.bmc(0);
      QemuMachine machine = (QemuMachine) bmc.hardware();
      disk = machine.disk();
      h.call(
          "POST",
          "/api/v1/machines",
          Map.of(
              "name",
              "win1",
              "bmc",
              Map.of(
                  "url",
                  bmc.url().toString(),
                  "username",
                  QemuProvisioningIT.USER,
                  "password",
                  QemuProvisioningIT.PASSWORD)));
      String recipe =
          Files.readString(
              Path.of(QemuProvisioningIT.root(), "src/test/resources/e2e/windows-qemu.yaml"));
      id =
          h.call("POST", "/api/v1/jobs", Map.of("machine", "win1", "recipeText", recipe))
              .path("id")
              .asText();
      String state = h.awaitFinal(id, Duration.ofMinutes(20), machine);
      provisioning = Duration.between(start, Instant.now());
      assertThat(state)
          .as(
              "job %s: %s%nfailed steps:%n%s%nserial console tail:%n%s",
              id,
              h.job(id).path("reason").asText(),
              h.failures(id),
              QemuProvisioningIT.tail(machine))
          .isEqualTo("Succeeded");
      events = h.events(id);
      machine.forceOff();
    }
    // One slot: the BMC read the job's own maintenance ISO (in ranges), and the dispatcher fetched
    // the task ISO from the URL on its kernel command line (a plain GET).
    String log = Files.readString(dir.resolve("serve.log"));
    assertThat(log)
        .containsPattern("\"GET\",\"path\":\"/media/[^/\"]+/maintenance\\.iso\",\"status\":206")
        .containsPattern("\"GET\",\"path\":\"/media/[^/\"]+/task\\.iso\",\"status\":200");
    for (String step : List.of("partition", "apply-wim", "boot-manager")) {
      assertThat(QemuProvisioningIT.count(events, "step.succeeded", step))
          .as(step + " succeeded once")
          .isEqualTo(1);
    }
    Instant inspect = Instant.now();

    // The disk, as the VM left it.
    Path raw = dir.resolve("disk.raw");
    run("qemu-img", "convert", "-O", "raw", disk.toString(), raw.toString());
    String table = run("sgdisk", "-p", raw.toString());
    assertThat(table).as(table).contains("ESP", "MSR", "windows");
    assertThat(run("sgdisk", "-i", "1", raw.toString()))
        .contains("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    assertThat(run("sgdisk", "-i", "2", raw.toString()))
        .contains("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");
    assertThat(run("sgdisk", "-i", "3", raw.toString()))
        .contains("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    // No udev here, so no partition devices from losetup -P: NTFS through a read-only loop
    // device at the partition's offset, the ESP through mtools' image@@offset.
    long[] win = extent(raw, 3);
    loop =
        run(
                "losetup",
                "-f",
                "--show",
                "-r",
                "-o",
                Long.toString(win[0]),
                "--sizelimit",
                Long.toString(win[1]),
                raw.toString())
            .strip();
    String ntfs = loop;
    String esp = raw + "@@" + extent(raw, 1)[0];

    // NTFS: the WIM's files.
    String root = run("ntfsls", "-a", ntfs);
    assertThat(root).contains("plinth-test-os-release.txt", "Windows");
    assertThat(run("ntfsls", "-p", "/Windows/System32/config", ntfs)).contains("BCD-Template");
    assertThat(run("ntfscat", ntfs, "plinth-test-os-release.txt"))
        .contains("PLINTH_TEST_OS=minimal-wim");
    byte[] bootmgr = bytes("ntfscat", ntfs, "Windows/Boot/EFI/bootmgfw.efi");
    assertThat(bootmgr).isNotEmpty();

    // ESP: the boot manager, its fallback path and the BCD store.
    Path out = Files.createDirectories(dir.resolve("esp"));
    String dirs = run("mdir", "-/", "-b", "-i", esp, "::/EFI");
    assertThat(dirs).containsIgnoringCase("/EFI/Microsoft/Boot/bootmgfw.efi");
    assertThat(dirs).containsIgnoringCase("/EFI/Microsoft/Boot/BCD");
    assertThat(dirs).containsIgnoringCase("/EFI/Boot/bootx64.efi");
    run("mcopy", "-n", "-i", esp, "::/EFI/Microsoft/Boot/bootmgfw.efi", out + "/bootmgfw.efi");
    run("mcopy", "-n", "-i", esp, "::/EFI/Boot/bootx64.efi", out + "/bootx64.efi");
    run("mcopy", "-n", "-i", esp, "::/EFI/Microsoft/Boot/BCD", out + "/BCD");
    assertThat(Files.readAllBytes(out.resolve("bootmgfw.efi"))).isEqualTo(bootmgr);
    assertThat(Files.readAllBytes(out.resolve("bootx64.efi"))).isEqualTo(bootmgr);
    byte[] bcd = Files.readAllBytes(out.resolve("BCD"));
    assertThat(new String(bcd, 0, 4, StandardCharsets.US_ASCII))
        .as("a registry hive")
        .isEqualTo("regf");
    byte[] template = bytes("ntfscat", ntfs, "Windows/System32/config/BCD-Template");
    assertThat(bcd).as("the BCD store was written, not copied").isNotEqualTo(template);
    // The boot manager object points at \EFI\Microsoft\Boot\bootmgfw.efi (REG_SZ, UTF-16LE).
    assertThat(
            indexOf(
                bcd, "\\EFI\\Microsoft\\Boot\\bootmgfw.efi".getBytes(StandardCharsets.UTF_16LE)))
        .as("the BCD's boot manager path")
        .isNotNegative();

    System.out.printf(
        "QemuWindowsProvisioningIT: job %s Succeeded in %.1f s (partition %.1f s, apply-wim %.1f s,"
            + " boot-manager %.1f s); BMC reset to booted %.1f s; disk inspected in %.1f s%n",
        id,
        provisioning.toMillis() / 1000.0,
        stepSeconds(events, "partition"),
        stepSeconds(events, "apply-wim"),
        stepSeconds(events, "boot-manager"),
        Duration.between(
                    QemuProvisioningIT.eventAt(events, "bmc.boot-requested"),
                    QemuProvisioningIT.eventAt(events, "booted"))
                .toMillis()
            / 1000.0,
        Duration.between(inspect, Instant.now()).toMillis() / 1000.0);
  }

  /** Seconds between a step's start and success events. */
  static double stepSeconds(List<JsonNode> events, String step) {
    Instant a = null;
    Instant b = null;
    for (JsonNode e : events) {
      if (!step.equals(QemuProvisioningIT.stepOf(e))) {
        continue;
      }
      Instant at = Instant.parse(e.path("at").asText());
      switch (e.path("type").asText()) {
        case "step.started" -> a = a == null ? at : a;
        case "step.succeeded" -> b = at;
        default -> {}
      }
    }
    return a == null || b == null ? -1 : Duration.between(a, b).toMillis() / 1000.0;
  }

  /** Byte offset and length of GPT partition {@code n} of a raw disk image (sgdisk -i). */
  static long[] extent(Path raw, int n) throws Exception {
    String info = run("sgdisk", "-i", Integer.toString(n), raw.toString());
    java.util.regex.Matcher first =
        java.util.regex.Pattern.compile("First sector: (\\d+)").matcher(info);
    java.util.regex.Matcher last =
        java.util.regex.Pattern.compile("Last sector: (\\d+)").matcher(info);
    assertThat(first.find() && last.find()).as(info).isTrue();
    long a = Long.parseLong(first.group(1));
    long b = Long.parseLong(last.group(1));
    return new long[] {a * 512, (b - a + 1) * 512};
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static String run(String... cmd) throws Exception {
    return new String(bytes(cmd), StandardCharsets.UTF_8);
  }

  /** Runs a command; its standard output, failing on a non-zero exit with its error output. */
  static byte[] bytes(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
    List<byte[]> err = new ArrayList<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    err.add(p.getErrorStream().readAllBytes());
                  } catch (IOException e) {
                    err.add(e.toString().getBytes(StandardCharsets.UTF_8));
                  }
                });
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", cmd)).isTrue();
    t.join();
    assertThat(p.exitValue())
        .as("%s: %s", String.join(" ", cmd), err.isEmpty() ? "" : new String(err.getFirst()))
        .isZero();
    return out;
  }
}
