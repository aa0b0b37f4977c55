/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.redfish.RedfishOptions;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.SimulatedBmc;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Redfish requests per job, counted by the simulator: the engine's media boot (a session, the
 * restart check for both ISOs, the boot from both ISOs) and its boot from disk. Every request costs
 * a real BMC 0.1–2 s, and 1,000 machines at once multiply them (issue 18).
 */
class RedfishCallsPerBootIT {

  @Test
  void aJobsBootsTakeFewRedfishRequests() {
    RedfishOptions fast =
        RedfishOptions.defaults()
            .withDelays(Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofMillis(5))
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(5));
    try (BmcSimulator sim = BmcSimulator.builder().credentials("admin", "s3cret-Pa55").start()) {
      SimulatedBmc bmc = sim.bmc(0);
      BmcDriver driver = new RedfishBmcDriver(fast);
      var target = new BmcDriver.Target("m1", bmc.url(), "admin", "s3cret-Pa55", false);
      URI maintenance = URI.create("http://ctl.example/media/maintenance.iso");
      URI task = URI.create("http://ctl.example/media/j1/task.iso");
      URI own = URI.create("http://ctl.example/media/j1/maintenance-job.iso");

      long before = bmc.requestCount();
      try (BmcDriver.Session s = driver.open(target)) {
        // As the engine runs it: the restart check and the boot in one sequence.
        s.inOneSequence(
            () -> {
              assertThat(s.bootedWith(task)).isFalse();
              assertThat(s.bootedWith(own)).isFalse();
              s.bootFromMedia(maintenance, task, () -> own);
            });
      }
      long mediaBoot = bmc.requestCount() - before;
      assertThat(bmc.insertedMedia()).containsValues(maintenance.toString(), task.toString());
      assertThat(bmc.powerState()).isEqualTo("On");

      // After a restart: the machine booted already, and the check still sees it.
      try (BmcDriver.Session s = driver.open(target)) {
        assertThat(s.bootedWith(task)).isTrue();
      }

      before = bmc.requestCount();
      try (BmcDriver.Session s = driver.open(target)) {
        s.bootFromDisk();
      }
      long diskBoot = bmc.requestCount() - before;
      assertThat(bmc.insertedMedia()).isEmpty();
      assertThat(bmc.bootHistory().getLast().device()).isEqualTo("Hdd");

      System.out.printf("Redfish requests: media boot %d, disk boot %d%n", mediaBoot, diskBoot);
      assertThat(mediaBoot).as("media boot").isLessThanOrEqualTo(MEDIA_BOOT_MAX);
      assertThat(diskBoot).as("disk boot").isLessThanOrEqualTo(DISK_BOOT_MAX);
    }
  }

  /**
   * 48 and 30 before the slots were listed once per sequence, the collections taken from the login
   * and the Reset action kept for the session (issue 18); 33 and 27 after that; 27 and 24 since the
   * restart check and the boot share one listing of the slots, the Reset action comes from the
   * login's read of the system, and an ejected slot is not read back twice; 27 and 22 since a login
   * to a BMC this driver discovered before reuses the Systems collection and the manager
   * (DiscoveryCache: the disk boot's session is the third to this BMC here, as a job's return to
   * disk is its second).
   */
  static final long MEDIA_BOOT_MAX = 27;

  static final long DISK_BOOT_MAX = 22;
}
