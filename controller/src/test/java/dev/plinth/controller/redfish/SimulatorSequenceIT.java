/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Flavour;
import dev.plinth.simulator.bmc.SimulatedBmc;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Done-when sequence against the simulator, in every vendor flavour. */
class SimulatorSequenceIT {

  static final Credentials ADMIN = new Credentials("admin", "s3cret-Pa55");

  static RedfishOptions fast() {
    return RedfishOptions.defaults()
        .withDelays(Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofMillis(5))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
        .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  record Booted(String bmc, List<URI> media) {}

  @ParameterizedTest
  @EnumSource(
      value = Flavour.class,
      names = {"BLADED"},
      mode = EnumSource.Mode.EXCLUDE)
  void virtualMediaBootSequenceWorksInEveryFlavour(Flavour flavour) {
    List<Booted> booted = new CopyOnWriteArrayList<>();
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .flavour(flavour)
            .credentials(ADMIN.username(), ADMIN.password())
            .bootListener((id, media) -> booted.add(new Booted(id, media)))
            .start()) {
      SimulatedBmc bmc = sim.bmc(0);
      // QUIRK(OpenBMC): only https:// images are accepted.
      URI iso =
          URI.create(
              (flavour == Flavour.OPENBMC ? "https" : "http") + "://ctl.example/media/j1/task.iso");
      List<VirtualMediaBoot.Step> steps = new CopyOnWriteArrayList<>();
      try (RedfishClient client =
          RedfishClient.connect(
              new BmcEndpoint("m1", bmc.url(), null), ADMIN, new TlsPolicy.SystemTrust(), fast())) {
        assertThat(bmc.sessionCount()).isEqualTo(1);
        VirtualMediaBoot seq =
            VirtualMediaBoot.with(client)
                .listener((s, d) -> steps.add(s))
                .powerTimeout(Duration.ofSeconds(5));
        VirtualMediaBoot.Result r = seq.bootFromIso(iso, BootMode.UEFI);
        assertThat(r.powerState()).isEqualTo(PowerState.ON);
        assertThat(r.inserted().isCd()).isTrue();
        assertThat(bmc.insertedMedia()).containsValue(iso.toString());
        SimulatedBmc.BootRecord last = bmc.bootHistory().getLast();
        assertThat(last.device()).isEqualTo("Cd");
        assertThat(last.media()).containsExactly(iso);

        VirtualMediaBoot.Result disk = seq.bootFromDisk(BootMode.UEFI);
        assertThat(disk.powerState()).isEqualTo(PowerState.ON);
        assertThat(disk.ejected()).extracting(MediaSlot::inserted).containsOnly(false);
        assertThat(bmc.insertedMedia()).isEmpty();
        assertThat(bmc.bootHistory().getLast().device()).isEqualTo("Hdd");
        assertThat(bmc.powerState()).isEqualTo("On");
      }
      assertThat(bmc.sessionCount()).isZero();
      assertThat(steps)
          .containsSubsequence(
              VirtualMediaBoot.Step.POWER_OFF,
              VirtualMediaBoot.Step.EJECT,
              VirtualMediaBoot.Step.INSERT,
              VirtualMediaBoot.Step.BOOT_ONCE,
              VirtualMediaBoot.Step.POWER_ON);
      awaitListener(booted);
      assertThat(booted).containsExactly(new Booted("bmc-0", List.of(iso)));
    }
  }

  // OpenBMC's proxy slot takes no URL: one slot, see bmcWithOneImageSlotIsAClearFailure.
  @ParameterizedTest
  @EnumSource(
      value = Flavour.class,
      names = {"BLADED", "OPENBMC"},
      mode = EnumSource.Mode.EXCLUDE)
  void maintenanceAndTaskIsosGoInTwoSlotsAndTheMaintenanceIsoBoots(Flavour flavour) {
    List<Booted> booted = new CopyOnWriteArrayList<>();
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .flavour(flavour)
            .credentials(ADMIN.username(), ADMIN.password())
            .bootListener((id, media) -> booted.add(new Booted(id, media)))
            .start()) {
      SimulatedBmc bmc = sim.bmc(0);
      String scheme = flavour == Flavour.OPENBMC ? "https" : "http";
      URI maintenance = URI.create(scheme + "://ctl.example/media/maintenance.iso");
      URI task = URI.create(scheme + "://ctl.example/media/j1/task.iso");
      List<VirtualMediaBoot.Step> steps = new CopyOnWriteArrayList<>();
      try (RedfishClient client =
          RedfishClient.connect(
              new BmcEndpoint("m1", bmc.url(), null), ADMIN, new TlsPolicy.SystemTrust(), fast())) {
        VirtualMediaBoot seq =
            VirtualMediaBoot.with(client)
                .listener((s, d) -> steps.add(s))
                .powerTimeout(Duration.ofSeconds(5));
        VirtualMediaBoot.Result r = seq.bootFromIsos(maintenance, task, BootMode.UEFI);
        assertThat(r.inserted().isCd()).isTrue();
        assertThat(r.beside()).isNotNull();
        assertThat(r.beside().id()).isNotEqualTo(r.inserted().id());
        assertThat(bmc.insertedMedia())
            .containsEntry(r.inserted().id(), maintenance.toString())
            .containsEntry(r.beside().id(), task.toString());
        assertThat(bmc.bootHistory().getLast().media()).containsExactly(maintenance, task);

        // The next boot ejects both, the USB stick too.
        seq.bootFromDisk(BootMode.UEFI);
        assertThat(bmc.insertedMedia()).isEmpty();
      }
      assertThat(steps.stream().filter(VirtualMediaBoot.Step.INSERT::equals)).hasSize(2);
      awaitListener(booted);
      assertThat(booted).containsExactly(new Booted("bmc-0", List.of(maintenance, task)));
    }
  }

  @Test
  void bmcWithOneImageSlotIsAClearFailure() {
    List<Booted> booted = new CopyOnWriteArrayList<>();
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .flavour(Flavour.OPENBMC)
            .credentials(ADMIN.username(), ADMIN.password())
            .bootListener((id, media) -> booted.add(new Booted(id, media)))
            .start()) {
      SimulatedBmc bmc = sim.bmc(0);
      try (RedfishClient client =
          RedfishClient.connect(
              new BmcEndpoint("m1", bmc.url(), null), ADMIN, new TlsPolicy.SystemTrust(), fast())) {
        VirtualMediaBoot seq = VirtualMediaBoot.with(client).powerTimeout(Duration.ofSeconds(5));
        assertThatThrownBy(
                () ->
                    seq.bootFromIsos(
                        URI.create("https://ctl.example/media/maintenance.iso"),
                        URI.create("https://ctl.example/media/j1/task.iso"),
                        BootMode.UEFI))
            .isInstanceOf(RedfishUnsupportedException.class)
            .hasMessageContaining("m1")
            .hasMessageContaining("only one slot takes an image");
      }
      assertThat(bmc.bootHistory()).isEmpty();
      assertThat(booted).isEmpty();
    }
  }

  @Test
  void bmcWithOneImageSlotBootsTheOneSlotIsoAloneWhenGivenOne() {
    List<Booted> booted = new CopyOnWriteArrayList<>();
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .flavour(Flavour.OPENBMC)
            .credentials(ADMIN.username(), ADMIN.password())
            .bootListener((id, media) -> booted.add(new Booted(id, media)))
            .start()) {
      SimulatedBmc bmc = sim.bmc(0);
      URI own = URI.create("https://ctl.example/media/j1/maintenance.iso");
      List<String> asked = new CopyOnWriteArrayList<>();
      try (RedfishClient client =
          RedfishClient.connect(
              new BmcEndpoint("m1", bmc.url(), null), ADMIN, new TlsPolicy.SystemTrust(), fast())) {
        VirtualMediaBoot.Result r =
            VirtualMediaBoot.with(client)
                .powerTimeout(Duration.ofSeconds(5))
                .bootFromIsos(
                    URI.create("https://ctl.example/media/maintenance.iso"),
                    URI.create("https://ctl.example/media/j1/task.iso"),
                    () -> {
                      asked.add("one slot");
                      return own;
                    },
                    BootMode.UEFI);
        assertThat(r.beside()).isNull();
        assertThat(asked).containsExactly("one slot");
        assertThat(bmc.insertedMedia()).hasSize(1).containsValue(own.toString());
      }
      awaitListener(booted);
      assertThat(booted).containsExactly(new Booted("bmc-0", List.of(own)));
    }
  }

  static void awaitListener(List<?> calls) {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (calls.isEmpty() && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
