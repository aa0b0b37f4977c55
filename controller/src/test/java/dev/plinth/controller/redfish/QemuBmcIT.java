/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.controller.testing.Peers;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.SimulatedBmc;
import dev.plinth.simulator.bmc.qemu.QemuBmcOptions;
import dev.plinth.simulator.bmc.qemu.QemuMachine;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QEMU-backed BMC driven by the controller's own Redfish client: a tiny bootable ISO (a busybox
 * {@code /init} that prints a marker and powers off, built by iso-builder's boot fixture and our
 * IsoWriter) is inserted by URL, served with byte ranges; a one-time CD boot and power on; the
 * marker shows on the serial console, the guest powers off and Redfish says Off. Then eject, a disk
 * boot, ForceOff, and a 404 image that comes back as a Redfish 500. Needs qemu-system-x86,
 * qemu-utils, qemu-block-extra (curl driver), ovmf and the boot fixture's tools.
 */
class QemuBmcIT {

  private static final Path FIXTURE = Path.of("../iso-builder/src/test/scripts/boot-fixture.sh");
  private static final Path ISOHDPFX = Path.of("/usr/lib/ISOLINUX/isohdpfx.bin");
  private static final Path CURL_DRIVER = Path.of("/usr/lib/x86_64-linux-gnu/qemu/block-curl.so");
  private static final Credentials ADMIN = new Credentials("admin", "password");

  @TempDir static Path tmp;
  static Path www;

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  @BeforeAll
  static void buildIso() throws Exception {
    for (String tool :
        List.of("qemu-system-x86_64", "qemu-img", "grub-mkstandalone", "mkfs.vfat", "busybox")) {
      Peers.need(onPath(tool), tool);
    }
    for (Path p : List.of(QemuBmcOptions.OVMF_BIOS, CURL_DRIVER, ISOHDPFX, FIXTURE)) {
      Peers.need(Files.exists(p), p.toString());
    }
    Path tree = tmp.resolve("tree");
    Process p =
        new ProcessBuilder("bash", FIXTURE.toString(), tree.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    Peers.need(p.exitValue() != 3, "a kernel for the boot fixture (" + out.strip() + ")");
    assertThat(p.exitValue()).as(out).isZero();
    www = Files.createDirectories(tmp.resolve("www"));
    IsoWriter.builder()
        .volumeId("PLINTHBOOT")
        .sourceDateEpoch(1_700_000_000L)
        .biosBoot("isolinux/isolinux.bin", 4, true)
        .bootCatalog("isolinux/boot.cat")
        .efiBoot("boot/efiboot.img")
        .hybrid(Files.readAllBytes(ISOHDPFX), true)
        .build()
        .write(IsoTree.fromDirectory(tree), www.resolve("boot.iso"));
  }

  private static RedfishClient client(SimulatedBmc bmc) {
    return RedfishClient.connect(
        new BmcEndpoint("qemu-0", bmc.url(), null),
        ADMIN,
        new TlsPolicy.SystemTrust(),
        RedfishOptions.defaults()
            .withDelays(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(200))
            .withDeadlines(Duration.ofSeconds(90), Duration.ofSeconds(30)));
  }

  @Test
  void bootsAnIsoByUrlThenTheDiskUnderOvmf() throws Exception {
    QemuBmcOptions vm = QemuBmcOptions.defaults(tmp.resolve("vms")).withMemoryMib(512);
    try (RangeFileServer files = new RangeFileServer(www);
        BmcSimulator sim = BmcSimulator.builder().hardware(vm.factory()).start();
        RedfishClient bmc = client(sim.bmc(0))) {
      QemuMachine machine = (QemuMachine) sim.bmc(0).hardware();
      assertThat(bmc.powerState()).isEqualTo(PowerState.OFF);
      assertThat(machine.status()).isEqualTo("prelaunch");
      assertThat(bmc.inventory().serialNumber()).isEqualTo(sim.bmc(0).systemSerial());

      // The guest's name for the host: the BMC opens it as 127.0.0.1.
      URI iso = URI.create("http://10.0.2.2:" + files.port() + "/boot.iso");
      MediaSlot slot = bmc.insertMedia(iso);
      bmc.bootOnce(BootTarget.CD, BootMode.UEFI);
      long t0 = System.nanoTime();
      bmc.power(PowerAction.ON);
      assertThat(bmc.powerState()).isEqualTo(PowerState.ON);
      assertThat(machine.awaitSerial("PLINTH-BOOT-OK uefi", Duration.ofSeconds(60)))
          .as(machine.serialText())
          .isTrue();
      double booted = (System.nanoTime() - t0) / 1e9;
      assertThat(files.ranged.get()).isPositive();
      // /init powers off: SHUTDOWN, status shutdown, Redfish Off.
      assertThat(bmc.waitForPowerState(PowerState.OFF, Duration.ofSeconds(30)))
          .isEqualTo(PowerState.OFF);
      assertThat(machine.status()).isEqualTo("shutdown");
      System.out.printf("QemuBmcIT: marker %.1f s after power on%n", booted);

      assertThat(bmc.mediaSlots())
          .filteredOn(MediaSlot::inserted)
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.id()).isEqualTo(slot.id());
                assertThat(s.image()).isEqualTo(iso.toString());
              });
      assertThat(bmc.ejectMedia()).extracting(MediaSlot::id).containsExactly(slot.id());
      assertThat(bmc.mediaSlots()).noneMatch(MediaSlot::inserted);

      // A disk boot of the blank disk: the machine runs (the firmware finds nothing) until
      // ForceOff stops it.
      bmc.bootOnce(BootTarget.HDD, BootMode.UEFI);
      bmc.power(PowerAction.ON);
      assertThat(machine.status()).isEqualTo("running");
      assertThat(sim.bmc(0).bootOverride().get(1)).isEqualTo("Disabled");
      bmc.power(PowerAction.FORCE_OFF);
      assertThat(bmc.powerState()).isEqualTo(PowerState.OFF);
      assertThat(machine.status()).isEqualTo("paused");

      // QEMU cannot open the image: the BMC says so with a 500 and QEMU's reason.
      RedfishHttpException e =
          assertThrows(
              RedfishHttpException.class,
              () -> bmc.insertMedia(URI.create("http://127.0.0.1:" + files.port() + "/no.iso")));
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.getMessage()).contains("404");
      assertThat(bmc.mediaSlots()).noneMatch(MediaSlot::inserted);
    }
    assertThat(tmp.resolve("vms/bmc-0/disk.qcow2")).doesNotExist();
    assertThat(tmp.resolve("vms/bmc-0/serial.log")).exists();
  }
}
