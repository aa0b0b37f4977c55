/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.testing;

import dev.plinth.controller.jobs.BmcDriver;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A hand-written BMC fake: records every call per machine, can fail the next calls, and runs a hook
 * when a machine is booted from an ISO (where a simulated server would start the dispatcher).
 */
public final class FakeBmc implements BmcDriver {

  /** Every call, as "machine:action[:arg]". */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  /** Passwords seen per machine (to prove they reach the BMC decrypted). */
  public final Map<String, String> passwords = new ConcurrentHashMap<>();

  /** The maintenance ISO URL each machine was last booted with, beside its task ISO. */
  public final Map<String, URI> maintenance = new ConcurrentHashMap<>();

  /** Machines whose BMC has a single virtual media slot (OpenBMC). */
  public final Set<String> oneSlotMachines = ConcurrentHashMap.newKeySet();

  /** Machines whose inventory was read, once per read (enrolment checks, inspect). */
  public final List<String> inventoryReads = new CopyOnWriteArrayList<>();

  /** The one password each listed machine's BMC accepts; others are refused as a BMC would. */
  public final Map<String, String> acceptedPasswords = new ConcurrentHashMap<>();

  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, URI> onIsoBoot = (m, iso) -> {};

  /** Runs {@code hook(machineName, isoUrl)} after each boot from an ISO. */
  public FakeBmc onIsoBoot(BiConsumer<String, URI> hook) {
    this.onIsoBoot = hook;
    return this;
  }

  /** Makes the next {@code n} logins to {@code machine} fail with a transient error. */
  public void failNext(String machine, int n) {
    failures.put(machine, n);
  }

  public List<String> callsOf(String machine) {
    return calls.stream().filter(c -> c.startsWith(machine + ":")).toList();
  }

  @Override
  public Session open(Target t) {
    Integer f = failures.computeIfPresent(t.name(), (k, v) -> v - 1);
    if (f != null && f >= 0) {
      throw new BmcException(t.name() + ": HTTP 503 from the BMC (simulated)", true, null);
    }
    String accepted = acceptedPasswords.get(t.name());
    if (accepted != null && !accepted.equals(t.password())) {
      throw new BmcException(
          "BMC "
              + t.name()
              + ": POST /redfish/v1/SessionService/Sessions: HTTP 401: the BMC refused the user"
              + " name or password (simulated)",
          false,
          null);
    }
    passwords.put(t.name(), t.password());
    String m = t.name();
    return new Session() {
      @Override
      public void bootFromMedia(URI maintenanceIso, URI iso, Supplier<URI> oneSlot) {
        if (oneSlotMachines.contains(m)) {
          // One slot: the job's own maintenance ISO alone; its kernel command line names the
          // task ISO, which the simulated server then fetches by URL as the dispatcher would.
          URI own = oneSlot.get();
          maintenance.put(m, own);
          calls.add(m + ":bootFromIso:" + own);
        } else {
          maintenance.put(m, maintenanceIso);
          calls.add(m + ":bootFromIso:" + iso);
        }
        onIsoBoot.accept(m, iso);
      }

      @Override
      public boolean bootedWith(URI iso) {
        return calls.contains(m + ":bootFromIso:" + iso);
      }

      @Override
      public void bootFromDisk() {
        calls.add(m + ":bootFromDisk");
      }

      @Override
      public void ejectMedia() {
        calls.add(m + ":eject");
      }

      @Override
      public String inventoryJson() {
        // Not in calls: machines are checked at enrolment, before the calls a test counts.
        inventoryReads.add(m);
        // serialNumber and macAddresses as the Redfish driver stores them (Inventory).
        return "{\"model\":\"Sim\",\"serial\":\"SN-"
            + m
            + "\",\"serialNumber\":\"SN-"
            + m
            + "\",\"macAddresses\":[\"52:54:00:00:00:01\",\"52:54:00:00:00:02\"]}";
      }

      @Override
      public String power(String action) {
        calls.add(m + ":power:" + action);
        return action;
      }

      @Override
      public void close() {}
    };
  }
}
