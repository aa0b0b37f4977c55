/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.simulator.bmc.Hardware;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of {@link QemuMachine} that need no QEMU: the command line and the URL rewrite. */
class QemuMachineTest {

  @Test
  void theGuestsAddressForTheHostBecomesLoopbackForQemu() {
    assertThat(QemuMachine.hostUrl(URI.create("http://10.0.2.2:8080/media/j1/task.iso?t=a%2Fb")))
        .hasToString("http://127.0.0.1:8080/media/j1/task.iso?t=a%2Fb");
    assertThat(QemuMachine.hostUrl(URI.create("https://media.example/x.iso")))
        .hasToString("https://media.example/x.iso");
  }

  @Test
  void optionsTakeOneOrTwoMediaSlots() {
    QemuBmcOptions o = QemuBmcOptions.defaults(Path.of("/vm"));
    assertThat(o.mediaSlots()).isEqualTo(2);
    assertThat(o.withMediaSlots(1).mediaSlots()).isEqualTo(1);
    assertThat(o.withMediaSlots(1).withKeepDisk(true).mediaSlots()).isEqualTo(1);
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> o.withMediaSlots(0));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> o.withMediaSlots(3));
  }

  @Test
  void commandLineHasTheMachineTheBmcNeeds() {
    QemuBmcOptions o = QemuBmcOptions.defaults(Path.of("/vm"));
    List<String> c =
        QemuMachine.command(
            o,
            Path.of("/vm/bmc-0/disk.qcow2"),
            Path.of("/vm/bmc-0/serial.log"),
            Path.of("/vm/bmc-0/qmp.sock"),
            new Hardware.Identity("PLINTH-1,2", "0e9f3bd2-8f5a-4b47-9a8b-0f4a8b1b2c3d"));
    String line = String.join(" ", c);
    assertThat(line)
        .startsWith(
            "qemu-system-x86_64 -machine q35 -accel tcg,thread=single -m 3072 -smp 2 -nodefaults")
        .contains(" -S -no-shutdown ")
        .doesNotContain("-no-reboot")
        .contains("-bios /usr/share/ovmf/OVMF.fd")
        .contains("-device scsi-cd,bus=scsi0.0,drive=cd0drv,id=cd0,bootindex=2")
        .contains("-device scsi-cd,bus=scsi0.0,drive=cd1drv,id=cd1,bootindex=3")
        .contains("-device virtio-blk-pci,drive=disk0drv,id=disk0,bootindex=1")
        .contains("-netdev user,id=n0,ipv6=off -device virtio-net-pci,netdev=n0,romfile=")
        .contains("-serial file:/vm/bmc-0/serial.log")
        .contains("-smbios type=1,serial=PLINTH-1,,2,uuid=0e9f3bd2-8f5a-4b47-9a8b-0f4a8b1b2c3d");
    assertThat(
            String.join(
                " ",
                QemuMachine.command(
                    o.withFirmware(QemuBmcOptions.Firmware.SEABIOS),
                    Path.of("d"),
                    Path.of("s"),
                    Path.of("q"),
                    null)))
        .doesNotContain("-bios")
        .doesNotContain("-smbios");
  }
}
