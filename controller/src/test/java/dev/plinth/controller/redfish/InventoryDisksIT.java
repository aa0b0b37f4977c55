/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static dev.plinth.controller.redfish.SimulatorSequenceIT.ADMIN;
import static dev.plinth.controller.redfish.SimulatorSequenceIT.fast;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Flavour;
import org.junit.jupiter.api.Test;

/** Disks come from Storage → Drives where a BMC has them, else from SimpleStorage. */
class InventoryDisksIT {

  @Test
  void disksComeFromStorageDrivesWhereTheBmcHasNoSimpleStorage() {
    // OpenBMC (bmcweb) exposes only Storage, with the drives under the Chassis.
    try (StubBmc b = new StubBmc("openbmc");
        RedfishClient c = b.connect()) {
      assertThat(c.inventory().disks())
          .containsExactly(
              new Inventory.Disk("nvme0", "CT-NV960", 960197124096L, "NV0000A1", "SSD"),
              new Inventory.Disk("nvme1", "CT-NV960", 960197124096L, "NV0000A2", "SSD"));
    }
  }

  @Test
  void disksComeFromSimpleStorageOnOlderBmcsWithoutTheEmptyBays() {
    // The DMTF public-rackmount1 mockup: SimpleStorage with two disks and two Absent bays.
    try (BmcSimulator sim =
            BmcSimulator.builder()
                .flavour(Flavour.GENERIC)
                .credentials(ADMIN.username(), ADMIN.password())
                .start();
        RedfishClient c =
            RedfishClient.connect(
                new BmcEndpoint("m1", sim.bmc(0).url(), null),
                ADMIN,
                new TlsPolicy.SystemTrust(),
                fast())) {
      Inventory inv = c.inventory();
      assertThat(inv.disks())
          .containsExactly(
              new Inventory.Disk("SATA Bay 1", "3000GT8", 8000000000000L, null, null),
              new Inventory.Disk("SATA Bay 2", "3000GT7", 4000000000000L, null, null));
      // The same mockup's system summary and its NICs (issue 17: the enrolment inventory).
      assertThat(inv.manufacturer()).isEqualTo("Contoso");
      assertThat(inv.model()).isEqualTo("3500");
      assertThat(inv.processors())
          .isEqualTo(
              new Inventory.Processors(2, "Multi-Core Intel(R) Xeon(R) processor 7xxx Series", 16));
      assertThat(inv.memoryGiB()).isEqualTo(96.0);
      assertThat(inv.nics()).isNotEmpty();
      assertThat(inv.nics())
          .contains(new Inventory.Nic("12446A3B0411", "12:44:6a:3b:04:11", "LinkUp", 1000));
      assertThat(inv.macAddresses())
          .isEqualTo(inv.nics().stream().map(Inventory.Nic::mac).toList());
    }
  }
}
