/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import dev.plinth.controller.redfish.model.Manager;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a login's discovery learned of a BMC, kept for its next session: the Systems collection's
 * members, which system is driven, and that system's first manager (its model, firmware and
 * VirtualMedia link). A job opens two sessions to the same BMC 30-80 s apart (the boot, the return
 * to disk); with this the second skips the GETs of the Systems collection and of the manager.
 *
 * <p>Nothing that changes with the machine's state is kept: every session still reads the service
 * root and the system afresh (power, boot override, ETags and the Reset action come from that
 * read), and the quirks are derived again from those fresh reads and the kept manager. An entry is
 * used only when the fresh service root has the same UUID and Systems link, and the fresh system at
 * the kept link has the same Id, UUID and first manager, so a different BMC or a reinstalled one
 * behind the same URL is discovered afresh; so is one whose kept system link answers 404. A BMC's
 * own reset changes none of these. Entries expire after a few minutes (a firmware update of the
 * manager shows in the identity's firmware version at the latest then), and one is dropped whenever
 * a login that used it fails.
 */
public final class DiscoveryCache {

  private static final int MAX_ENTRIES = 16_384;

  /** What a discovery found; the fields the next session checks and reuses. */
  record Known(
      String rootUuid,
      String systemsLink,
      List<String> systemIds,
      String systemLink,
      String systemId,
      String systemUuid,
      Manager manager,
      Instant at) {}

  private final Duration ttl;
  private final InstantSource clock;
  private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();

  public DiscoveryCache(Duration ttl, InstantSource clock) {
    this.ttl = Objects.requireNonNull(ttl);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Entries kept five minutes, by the system clock. */
  public static DiscoveryCache defaults() {
    return new DiscoveryCache(Duration.ofMinutes(5), InstantSource.system());
  }

  static String key(BmcEndpoint endpoint, Credentials credentials) {
    return endpoint.url() + " " + endpoint.systemId() + " " + credentials.username();
  }

  Known get(String key) {
    Known k = known.get(key);
    if (k != null && clock.instant().isAfter(k.at().plus(ttl))) {
      known.remove(key, k);
      return null;
    }
    return k;
  }

  void put(String key, Known k) {
    if (known.size() >= MAX_ENTRIES) {
      known.clear();
    }
    known.put(key, k);
  }

  void forget(String key) {
    known.remove(key);
  }

  Instant now() {
    return clock.instant();
  }

  /** How many BMCs are kept (for tests). */
  int size() {
    return known.size();
  }
}
