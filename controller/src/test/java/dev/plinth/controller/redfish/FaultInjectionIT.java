/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static dev.plinth.controller.redfish.SimulatorSequenceIT.ADMIN;
import static dev.plinth.controller.redfish.SimulatorSequenceIT.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Faults;
import dev.plinth.simulator.bmc.Flavour;
import dev.plinth.simulator.bmc.SimulatedBmc;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a simulator that misbehaves on purpose. */
class FaultInjectionIT {
  static final URI ISO = URI.create("https://ctl.example/media/j2/task.iso");

  static BmcSimulator sim(Flavour f, Faults faults) {
    return BmcSimulator.builder()
        .flavour(f)
        .credentials(ADMIN.username(), ADMIN.password())
        .faults(faults)
        .seed(42)
        .start();
  }

  static RedfishClient connect(SimulatedBmc bmc, TlsPolicy tls) {
    return RedfishClient.connect(new BmcEndpoint(bmc.id(), bmc.url(), null), ADMIN, tls, fast());
  }

  @Test
  void theSequenceSurvivesLatency503sDroppedConnectionsAndAsyncTasks() {
    Faults faults =
        Faults.NONE
            .withLatency(Duration.ofMillis(2))
            .withErrorRate(0.2)
            .withDropRate(0.05)
            .withAsyncActions(true)
            .withPowerTransition(Duration.ofMillis(50));
    for (Flavour f : List.of(Flavour.GENERIC, Flavour.DELL, Flavour.LENOVO)) {
      try (BmcSimulator sim = sim(f, faults);
          RedfishClient c = connect(sim.bmc(0), new TlsPolicy.SystemTrust())) {
        VirtualMediaBoot.with(c)
            .powerTimeout(Duration.ofSeconds(5))
            .bootFromIso(ISO, BootMode.UEFI);
        assertThat(sim.bmc(0).bootHistory().getLast().media()).as(f.name()).containsExactly(ISO);
        VirtualMediaBoot.with(c).powerTimeout(Duration.ofSeconds(5)).bootFromDisk(BootMode.UEFI);
        assertThat(sim.bmc(0).bootHistory().getLast().device()).isEqualTo("Hdd");
        assertThat(sim.bmc(0).requestCount()).isGreaterThan(20);
      }
    }
  }

  @Test
  void expiredSessionsAreRenewedAndClosedAtTheEnd() {
    try (BmcSimulator sim = sim(Flavour.OPENBMC, Faults.NONE)) {
      SimulatedBmc bmc = sim.bmc(0);
      try (RedfishClient c = connect(bmc, new TlsPolicy.SystemTrust())) {
        assertThat(c.powerState()).isEqualTo(PowerState.ON);
        bmc.expireSessions();
        assertThat(bmc.sessionCount()).isZero();
        assertThat(c.powerState()).isEqualTo(PowerState.ON);
        assertThat(bmc.sessionCount()).isEqualTo(1);
        bmc.faults(Faults.NONE.withSessionTtl(Duration.ofNanos(1)));
        assertThatThrownBy(c::inventory)
            .isInstanceOf(RedfishAuthException.class)
            .hasMessageContaining("HTTP 401");
        bmc.faults(Faults.NONE);
      }
      assertThat(bmc.sessionCount()).isZero();
    }
  }

  @Test
  void aFailingTaskFailsTheInsertAndChangesNothing() {
    try (BmcSimulator sim =
            sim(Flavour.HPE_ILO5, Faults.NONE.withAsyncActions(true).withFailTasks(true));
        RedfishClient c = connect(sim.bmc(0), new TlsPolicy.SystemTrust())) {
      assertThatThrownBy(() -> c.insertMedia(ISO))
          .isInstanceOf(RedfishTaskException.class)
          .hasMessageContaining("BMC bmc-0: GET /redfish/v1/TaskService/")
          .hasMessageContaining("task ended Exception");
      assertThat(sim.bmc(0).insertedMedia()).isEmpty();
    }
  }

  @Test
  void aBladeEnclosureNeedsASystemChoice() {
    try (BmcSimulator sim = sim(Flavour.BLADED, Faults.NONE)) {
      SimulatedBmc bmc = sim.bmc(0);
      assertThatThrownBy(() -> connect(bmc, new TlsPolicy.SystemTrust()))
          .isInstanceOf(RedfishUnsupportedException.class)
          .hasMessageContaining("choose one (--system ID)");
      assertThat(bmc.sessionCount()).isZero();
      BmcEndpoint ep = new BmcEndpoint("blade", bmc.url(), "529QB9451R6");
      try (RedfishClient c =
          RedfishClient.connect(ep, ADMIN, new TlsPolicy.SystemTrust(), fast())) {
        Inventory inv = c.inventory();
        assertThat(inv.systemId()).isEqualTo("529QB9451R6");
        assertThat(inv.systems()).hasSize(4);
        c.power(PowerAction.FORCE_OFF);
        assertThat(c.waitForPowerState(PowerState.OFF, Duration.ofSeconds(2)))
            .isEqualTo(PowerState.OFF);
      }
    }
  }

  @Test
  void manyBmcsOnLoopbackAddressesBootConcurrently() throws Exception {
    Map<String, List<URI>> booted = new ConcurrentHashMap<>();
    List<Flavour> flavours =
        List.of(
            Flavour.GENERIC,
            Flavour.DELL,
            Flavour.HPE_ILO6,
            Flavour.SUPERMICRO,
            Flavour.LENOVO,
            Flavour.OPENBMC);
    try (BmcSimulator sim =
            BmcSimulator.builder()
                .count(24)
                .flavours(flavours)
                .credentials(ADMIN.username(), ADMIN.password())
                .bootListener(booted::put)
                .start();
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      assertThat(sim.bmc(0).url().getHost()).isEqualTo("127.10.0.1");
      assertThat(sim.bmc(23).url().getHost()).isEqualTo("127.10.0.24");
      List<Future<?>> runs = new ArrayList<>();
      for (SimulatedBmc bmc : sim.bmcs()) {
        runs.add(
            pool.submit(
                () -> {
                  try (RedfishClient c = connect(bmc, new TlsPolicy.SystemTrust())) {
                    VirtualMediaBoot.with(c)
                        .powerTimeout(Duration.ofSeconds(10))
                        .bootFromIso(ISO, BootMode.UEFI);
                  }
                  return null;
                }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
      long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (booted.size() < 24 && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(booted)
          .hasSize(24)
          .allSatisfy((id, media) -> assertThat(media).containsExactly(ISO));
      assertThat(sim.bmc(5).flavour()).isEqualTo(Flavour.OPENBMC);
    }
  }

  @Test
  void httpsWithAPinnedCertificateOrItsCaWorksAndAWrongPinIsRefused(@TempDir Path dir)
      throws Exception {
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .https(true)
            .credentials(ADMIN.username(), ADMIN.password())
            .start()) {
      SimulatedBmc bmc = sim.bmc(0);
      assertThat(bmc.url().getScheme()).isEqualTo("https");
      String pin = sim.certificate().sha256();
      try (RedfishClient c = connect(bmc, new TlsPolicy.PinnedSha256(pin))) {
        assertThat(c.powerState()).isEqualTo(PowerState.ON);
      }
      Path pem = dir.resolve("ca.pem");
      Files.writeString(pem, sim.certificate().pem());
      try (RedfishClient c = connect(bmc, new TlsPolicy.CaBundle(pem))) {
        assertThat(c.identity().vendor()).isEqualTo(Vendor.GENERIC);
      }
      try (RedfishClient c = connect(bmc, new TlsPolicy.Insecure())) {
        assertThat(c.mediaSlots()).isNotEmpty();
      }
      String wrong = "00".repeat(32);
      assertThatThrownBy(() -> connect(bmc, new TlsPolicy.PinnedSha256(wrong)))
          .isInstanceOf(RedfishTlsException.class)
          .hasMessageContaining("BMC bmc-0: GET /redfish/v1/");
      assertThatThrownBy(() -> connect(bmc, new TlsPolicy.SystemTrust()))
          .isInstanceOf(RedfishTlsException.class);
    }
  }
}
