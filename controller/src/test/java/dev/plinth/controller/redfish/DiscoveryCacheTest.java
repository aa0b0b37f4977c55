/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static dev.plinth.controller.redfish.SimulatorSequenceIT.ADMIN;
import static dev.plinth.controller.redfish.SimulatorSequenceIT.fast;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.SimulatedBmc;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Discovery kept across logins to one BMC (the simulator counts the requests): reused only when the
 * fresh service root and system show the same BMC and system, else discovered afresh.
 */
class DiscoveryCacheTest {

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.EPOCH);
  private final InstantSource clock = () -> now.get();

  /** Requests of one login, its identity read, and the logout. */
  private static long login(SimulatedBmc bmc, DiscoveryCache cache, BmcIdentity[] identity) {
    long before = bmc.requestCount();
    try (RedfishClient c =
        RedfishClient.connect(
            new BmcEndpoint("m1", bmc.url(), null),
            ADMIN,
            new TlsPolicy.SystemTrust(),
            fast(),
            cache)) {
      identity[0] = c.identity();
      assertThat(c.powerState()).isNotNull();
    }
    return bmc.requestCount() - before;
  }

  @Test
  void aLaterLoginReusesDiscoveryOnlyForTheSameBmcAndSystem() {
    try (BmcSimulator sim =
        BmcSimulator.builder().credentials(ADMIN.username(), ADMIN.password()).start()) {
      SimulatedBmc bmc = sim.bmc(0);
      DiscoveryCache cache = new DiscoveryCache(Duration.ofMinutes(5), clock);
      String key = DiscoveryCache.key(new BmcEndpoint("m1", bmc.url(), null), ADMIN);
      BmcIdentity[] first = new BmcIdentity[1];
      BmcIdentity[] later = new BmcIdentity[1];

      long full = login(bmc, null, first);
      assertThat(login(bmc, cache, later)).isEqualTo(full);
      assertThat(later[0]).isEqualTo(first[0]);
      DiscoveryCache.Known known = cache.get(key);
      assertThat(known).isNotNull();
      assertThat(known.systemUuid()).isEqualTo(bmc.systemUuid());

      // the same BMC again: the Systems collection and the manager are not read
      assertThat(login(bmc, cache, later)).isEqualTo(full - 2);
      assertThat(later[0]).isEqualTo(first[0]);

      // expired: discovered afresh
      now.set(now.get().plus(Duration.ofMinutes(6)));
      assertThat(login(bmc, cache, later)).isEqualTo(full);
      assertThat(login(bmc, cache, later)).isEqualTo(full - 2);

      // another BMC behind the URL (another service root UUID): discovered afresh, entry replaced
      known = cache.get(key);
      cache.put(key, with(known, "other-root", known.systemLink(), known.systemUuid()));
      assertThat(login(bmc, cache, later)).isEqualTo(full);
      assertThat(later[0]).isEqualTo(first[0]);
      assertThat(login(bmc, cache, later)).isEqualTo(full - 2);

      // another system at the kept link (its UUID differs): the system read, then full discovery
      known = cache.get(key);
      cache.put(key, with(known, known.rootUuid(), known.systemLink(), "another-system"));
      assertThat(login(bmc, cache, later)).isEqualTo(full + 1);
      assertThat(later[0]).isEqualTo(first[0]);
      assertThat(cache.get(key).systemUuid()).isEqualTo(bmc.systemUuid());

      // the kept system link is gone (404): full discovery
      known = cache.get(key);
      cache.put(key, with(known, known.rootUuid(), "/redfish/v1/Systems/gone", known.systemUuid()));
      assertThat(login(bmc, cache, later)).isEqualTo(full + 1);
      assertThat(later[0]).isEqualTo(first[0]);
      assertThat(login(bmc, cache, later)).isEqualTo(full - 2);
      assertThat(cache.size()).isEqualTo(1);
    }
  }

  private DiscoveryCache.Known with(
      DiscoveryCache.Known k, String rootUuid, String systemLink, String systemUuid) {
    return new DiscoveryCache.Known(
        rootUuid,
        k.systemsLink(),
        k.systemIds(),
        systemLink,
        k.systemId(),
        systemUuid,
        k.manager(),
        now.get());
  }
}
