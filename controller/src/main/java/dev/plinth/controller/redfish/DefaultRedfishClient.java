/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.controller.redfish.model.Collection;
import dev.plinth.controller.redfish.model.ComputerSystem;
import dev.plinth.controller.redfish.model.Drive;
import dev.plinth.controller.redfish.model.EthernetInterface;
import dev.plinth.controller.redfish.model.Manager;
import dev.plinth.controller.redfish.model.ODataId;
import dev.plinth.controller.redfish.model.ServiceRoot;
import dev.plinth.controller.redfish.model.SimpleStorage;
import dev.plinth.controller.redfish.model.Status;
import dev.plinth.controller.redfish.model.Storage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@link RedfishClient} implementation: discovery, inventory and power. */
final class DefaultRedfishClient implements RedfishClient {

  private final Calls calls;
  private final ServiceRoot root;
  private final String systemLink;
  private final List<String> managerLinks;
  private final List<String> systemIds;
  private final BmcIdentity identity;
  private final Media media;
  private final BootOverride boot;

  private DefaultRedfishClient(
      Calls calls,
      ServiceRoot root,
      ComputerSystem system,
      List<String> systemIds,
      Manager manager) {
    this.calls = calls;
    this.root = root;
    this.systemLink = system.odataId();
    this.managerLinks = system.managedBy().stream().map(ODataId::id).toList();
    this.systemIds = List.copyOf(systemIds);
    this.identity =
        new BmcIdentity(
            calls.quirks().vendor(),
            system.manufacturer(),
            system.model(),
            manager == null ? null : manager.model(),
            manager == null ? null : manager.firmwareVersion(),
            root.redfishVersion(),
            systemLink,
            manager == null ? null : manager.odataId());
    this.media = new Media(calls, systemLink, managerLinks, system, manager);
    var reset = system.resetAction();
    this.resetAction = reset != null && reset.target() != null ? reset : null;
    this.boot = new BootOverride(calls, systemLink);
  }

  static RedfishClient connect(
      BmcEndpoint endpoint, Credentials credentials, TlsPolicy tls, RedfishOptions options) {
    return connect(endpoint, credentials, tls, options, null);
  }

  /**
   * @param discovery what earlier logins to this BMC found, reused where the fresh service root and
   *     system show it is the same BMC and system ({@link DiscoveryCache}), or null to discover all
   */
  static RedfishClient connect(
      BmcEndpoint endpoint,
      Credentials credentials,
      TlsPolicy tls,
      RedfishOptions options,
      DiscoveryCache discovery) {
    Transport t = new Transport(endpoint, credentials, tls, options);
    Calls calls = new Calls(t);
    ServiceRoot root = t.serviceRoot().as(ServiceRoot.class);
    String sessions = root.sessionsLink();
    boolean advertised = sessions != null || root.sessionService() != null;
    if (sessions == null && root.sessionService() != null) {
      try {
        sessions =
            ODataId.of(
                calls
                    .get(
                        root.sessionService().id(),
                        dev.plinth.controller.redfish.model.SessionService.class)
                    .sessions());
      } catch (RedfishHttpException e) {
        sessions = null;
      }
    }
    String probe = root.systems() == null ? "/redfish/v1/Systems" : root.systems().id();
    t.login(sessions, advertised, options.auth(), probe);
    try {
      if (root.systems() == null) {
        throw new RedfishUnsupportedException(
            endpoint.name(), "GET /redfish/v1/", "the service root lists no Systems");
      }
      String key = discovery == null ? null : DiscoveryCache.key(endpoint, credentials);
      DiscoveryCache.Known known = key == null ? null : discovery.get(key);
      if (known != null) {
        // Used once: dropped now, put back below when it proved to be the same BMC and system.
        discovery.forget(key);
        ComputerSystem system = sameSystem(calls, root, known);
        if (system != null) {
          calls.quirks(Quirks.of(root, system, known.manager()));
          DefaultRedfishClient c =
              new DefaultRedfishClient(calls, root, system, known.systemIds(), known.manager());
          discovery.put(key, known);
          return c;
        }
      }
      List<ComputerSystem> systems = new ArrayList<>();
      for (ODataId m : calls.get(root.systems().id(), Collection.class).members()) {
        systems.add(calls.get(m.id(), ComputerSystem.class));
      }
      ComputerSystem system = pick(endpoint, systems);
      Manager manager =
          system.managedBy().isEmpty()
              ? null
              : calls.get(system.managedBy().get(0).id(), Manager.class);
      calls.quirks(Quirks.of(root, system, manager));
      List<String> ids = systems.stream().map(ComputerSystem::id).toList();
      DefaultRedfishClient c = new DefaultRedfishClient(calls, root, system, ids, manager);
      if (key != null) {
        discovery.put(
            key,
            new DiscoveryCache.Known(
                root.uuid(),
                root.systems().id(),
                List.copyOf(ids),
                system.odataId(),
                system.id(),
                system.uuid(),
                manager,
                discovery.now()));
      }
      return c;
    } catch (RuntimeException e) {
      t.logout();
      throw e;
    }
  }

  /**
   * The system read afresh at the link an earlier discovery found, when the service root and that
   * system show the same BMC (root UUID and Systems link) and the same system (Id, UUID, first
   * manager); null when anything differs or the link is gone (404), for a full discovery.
   */
  private static ComputerSystem sameSystem(
      Calls calls, ServiceRoot root, DiscoveryCache.Known known) {
    if (!java.util.Objects.equals(root.uuid(), known.rootUuid())
        || !known.systemsLink().equals(root.systems().id())) {
      return null;
    }
    ComputerSystem system;
    try {
      system = calls.get(known.systemLink(), ComputerSystem.class);
    } catch (RedfishHttpException e) {
      if (e.status() == 404) {
        return null;
      }
      throw e;
    }
    String managerLink = system.managedBy().isEmpty() ? null : system.managedBy().get(0).id();
    String knownManager = known.manager() == null ? null : known.manager().odataId();
    boolean same =
        known.systemLink().equals(system.odataId())
            && java.util.Objects.equals(known.systemId(), system.id())
            && java.util.Objects.equals(known.systemUuid(), system.uuid())
            && java.util.Objects.equals(managerLink, knownManager);
    return same ? system : null;
  }

  private static ComputerSystem pick(BmcEndpoint endpoint, List<ComputerSystem> systems) {
    String want = endpoint.systemId();
    if (want != null) {
      return systems.stream()
          .filter(s -> want.equals(s.id()) || want.equalsIgnoreCase(String.valueOf(s.uuid())))
          .findFirst()
          .orElseThrow(
              () ->
                  new RedfishUnsupportedException(
                      endpoint.name(),
                      "Systems",
                      "no system " + want + "; it has " + ids(systems)));
    }
    if (systems.size() == 1) {
      return systems.get(0);
    }
    // A blade enclosure or a DPU: only physical hosts qualify, and only one may remain.
    List<ComputerSystem> physical =
        systems.stream()
            .filter(s -> s.systemType() == null || "Physical".equals(s.systemType()))
            .toList();
    if (physical.size() == 1) {
      return physical.get(0);
    }
    throw new RedfishUnsupportedException(
        endpoint.name(),
        "Systems",
        systems.isEmpty()
            ? "the BMC lists no system"
            : "the BMC has systems " + ids(systems) + "; choose one (--system ID)");
  }

  private static List<String> ids(List<ComputerSystem> systems) {
    return systems.stream().map(ComputerSystem::id).toList();
  }

  @Override
  public BmcEndpoint endpoint() {
    return calls.transport().endpoint();
  }

  @Override
  public BmcIdentity identity() {
    return identity;
  }

  private ComputerSystem system() {
    return calls.get(systemLink, ComputerSystem.class);
  }

  @Override
  public Inventory inventory() {
    ComputerSystem s = system();
    var b = s.boot();
    var reset = s.resetAction();
    var p = s.processorSummary();
    List<Inventory.Nic> nics = nics(s);
    return new Inventory(
        identity,
        s.id(),
        s.serialNumber(),
        s.uuid(),
        PowerState.parse(s.powerState()),
        b == null ? null : b.mode(),
        b == null ? null : b.target(),
        b == null ? null : b.enabled(),
        b == null || b.allowedTargets() == null ? List.of() : b.allowedTargets(),
        reset == null || reset.allowedResetTypes() == null ? List.of() : reset.allowedResetTypes(),
        nics.stream().map(Inventory.Nic::mac).toList(),
        disks(s),
        mediaSlots(),
        systemIds,
        s.manufacturer(),
        s.model(),
        p == null
            ? null
            : new Inventory.Processors(p.count(), p.model(), p.logicalProcessorCount()),
        s.memorySummary() == null ? null : s.memorySummary().totalGiB(),
        nics);
  }

  private List<Inventory.Nic> nics(ComputerSystem s) {
    List<Inventory.Nic> out = new ArrayList<>();
    if (s.ethernetInterfaces() == null) {
      return out;
    }
    try {
      for (ODataId m : calls.get(s.ethernetInterfaces().id(), Collection.class).members()) {
        EthernetInterface e = calls.get(m.id(), EthernetInterface.class);
        String mac = e.macAddress() != null ? e.macAddress() : e.permanentMacAddress();
        if (mac != null && !mac.isBlank()) {
          out.add(
              new Inventory.Nic(
                  e.id() != null ? e.id() : e.name(),
                  mac.toLowerCase(java.util.Locale.ROOT),
                  e.linkStatus(),
                  e.speedMbps()));
        }
      }
    } catch (RedfishHttpException e) {
      // Inventory is best effort: a BMC that hides the NICs still provisions.
    }
    return out;
  }

  /**
   * The Storage drives; where a BMC has none there (older BMCs expose only SimpleStorage), the
   * SimpleStorage devices. Not both: the two models describe the same disks. Empty bays are left
   * out.
   */
  private List<Inventory.Disk> disks(ComputerSystem s) {
    List<Inventory.Disk> drives = drives(s);
    return drives.isEmpty() ? simpleStorage(s) : drives;
  }

  private List<Inventory.Disk> drives(ComputerSystem s) {
    List<Inventory.Disk> out = new ArrayList<>();
    if (s.storage() == null) {
      return out;
    }
    try {
      for (ODataId m : calls.get(s.storage().id(), Collection.class).members()) {
        for (ODataId link : calls.get(m.id(), Storage.class).drives()) {
          Drive d = calls.get(link.id(), Drive.class);
          if (!Status.absent(d.status())) {
            String name = d.name() != null ? d.name() : d.id();
            out.add(
                new Inventory.Disk(
                    name, d.model(), d.capacityBytes(), d.serialNumber(), d.mediaType()));
          }
        }
      }
    } catch (RedfishHttpException e) {
      // Inventory is best effort, as for the NICs.
    }
    return out;
  }

  private List<Inventory.Disk> simpleStorage(ComputerSystem s) {
    List<Inventory.Disk> out = new ArrayList<>();
    if (s.simpleStorage() == null) {
      return out;
    }
    try {
      for (ODataId m : calls.get(s.simpleStorage().id(), Collection.class).members()) {
        for (SimpleStorage.Device d : calls.get(m.id(), SimpleStorage.class).devices()) {
          if (!Status.absent(d.status())) {
            out.add(new Inventory.Disk(d.name(), d.model(), d.capacityBytes(), null, null));
          }
        }
      }
    } catch (RedfishHttpException e) {
      // Best effort, as above.
    }
    return out;
  }

  @Override
  public PowerState powerState() {
    return PowerState.parse(system().powerState());
  }

  @Override
  public <T> T sequence(java.util.function.Supplier<T> body) {
    return media.remembering(body);
  }

  /**
   * The system's Reset action as first read (at login, else at the first power change): its target
   * and allowed types do not change while a session lasts, and every power change would otherwise
   * GET the system again for it.
   */
  private volatile ComputerSystem.ResetAction resetAction;

  private ComputerSystem.ResetAction resetAction() {
    ComputerSystem.ResetAction r = resetAction;
    if (r == null) {
      r = system().resetAction();
      resetAction = r != null && r.target() != null ? r : null;
    }
    return r;
  }

  @Override
  public String power(PowerAction action) {
    var reset = resetAction();
    if (reset == null || reset.target() == null) {
      throw new RedfishUnsupportedException(
          bmc(), "GET " + systemLink, "the system has no #ComputerSystem.Reset action");
    }
    List<String> allowed = reset.allowedResetTypes();
    String type =
        action.resetTypes().stream()
            .filter(rt -> allowed == null || allowed.isEmpty() || allowed.contains(rt))
            .findFirst()
            .orElseThrow(
                () ->
                    new RedfishUnsupportedException(
                        bmc(),
                        "POST " + reset.target(),
                        "no ResetType for " + action + " among " + allowed));
    ObjectNode body = Json.object().put("ResetType", type);
    int conflicts = 0;
    while (true) {
      try {
        calls.action(reset.target(), body, action.idempotent());
        return type;
      } catch (RedfishHttpException e) {
        if (e.status() == 409
            && action == PowerAction.ON
            && calls.quirks().retryOnConflict()
            && e.mentions("ActionParameterValueConflict")
            && conflicts++ < 6) {
          // QUIRK(Dell iDRAC10): On is refused with 409 for up to ~60 s after a power-off.
          Transport.sleep(calls.transport().options().pollInterval());
          continue;
        }
        if ((e.status() == 400 || e.status() == 409) && alreadyThere(action)) {
          return type;
        }
        throw e;
      }
    }
  }

  private boolean alreadyThere(PowerAction action) {
    PowerState now = powerState();
    return switch (action) {
      case ON -> now == PowerState.ON;
      case FORCE_OFF, GRACEFUL_SHUTDOWN -> now == PowerState.OFF;
      case FORCE_RESTART, GRACEFUL_RESTART, POWER_CYCLE -> false;
    };
  }

  @Override
  public PowerState waitForPowerState(PowerState want, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    long start = System.nanoTime();
    long interval = calls.transport().options().pollInterval().toNanos();
    while (true) {
      PowerState now = powerState();
      if (now == want) {
        return now;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new RedfishTimeoutException(
            bmc(),
            "GET " + systemLink,
            "PowerState is " + now + ", not " + want + " after " + Calls.pretty(timeout));
      }
      Transport.sleep(Duration.ofNanos(untilNextPoll(System.nanoTime() - start, interval)));
    }
  }

  /**
   * How long to sleep, {@code elapsed} into a wait, until the next poll: polls go out every {@code
   * interval} from the start of the wait, not an interval after the previous answer, so that a slow
   * answer (a busy BMC, or a controller driving many BMCs at once) does not push every later poll
   * back by its own latency. Never less than half an interval: a BMC slower than the interval is
   * not polled back to back.
   */
  static long untilNextPoll(long elapsed, long interval) {
    long next = (elapsed / interval + 1) * interval;
    return Math.max(next - elapsed, interval / 2);
  }

  @Override
  public void bootOnce(BootTarget target, BootMode mode) {
    boot.once(target, mode);
  }

  @Override
  public List<MediaSlot> mediaSlots() {
    return media.slots();
  }

  @Override
  public MediaSlot insertMedia(URI image) {
    return media.insert(image);
  }

  @Override
  public Optional<MediaSlot> insertMediaBeside(URI image, MediaSlot beside) {
    return media.insertBeside(image, beside.link());
  }

  @Override
  public List<MediaSlot> ejectMedia() {
    return media.ejectAll();
  }

  @Override
  public void close() {
    calls.transport().logout();
  }

  private String bmc() {
    return calls.bmc();
  }

  @Override
  public String toString() {
    return "RedfishClient["
        + endpoint()
        + ", "
        + identity.vendor()
        + ", "
        + root.redfishVersion()
        + "]";
  }
}
