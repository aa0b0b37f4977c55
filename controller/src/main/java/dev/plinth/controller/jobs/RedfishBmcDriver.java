/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.redfish.BmcEndpoint;
import dev.plinth.controller.redfish.BootMode;
import dev.plinth.controller.redfish.Credentials;
import dev.plinth.controller.redfish.DiscoveryCache;
import dev.plinth.controller.redfish.MediaSlot;
import dev.plinth.controller.redfish.PowerAction;
import dev.plinth.controller.redfish.PowerState;
import dev.plinth.controller.redfish.RedfishClient;
import dev.plinth.controller.redfish.RedfishException;
import dev.plinth.controller.redfish.RedfishHttpException;
import dev.plinth.controller.redfish.RedfishOptions;
import dev.plinth.controller.redfish.RedfishTimeoutException;
import dev.plinth.controller.redfish.RedfishTransportException;
import dev.plinth.controller.redfish.TlsPolicy;
import dev.plinth.controller.redfish.VirtualMediaBoot;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/** The engine's BMC operations on the Redfish client, in UEFI mode. */
public final class RedfishBmcDriver implements BmcDriver {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final RedfishOptions options;

  /**
   * A job's second session to a BMC (the return to disk) reuses what its first discovered, where
   * the BMC and its system prove the same (see {@link DiscoveryCache}).
   */
  private final DiscoveryCache discovery = DiscoveryCache.defaults();

  public RedfishBmcDriver(RedfishOptions options) {
    this.options = options;
  }

  public RedfishBmcDriver() {
    this(RedfishOptions.defaults());
  }

  @Override
  public Session open(Target t) {
    return session(t, options);
  }

  @Override
  public Session open(Target t, java.util.function.Consumer<String> progress) {
    return session(t, options.withRetryListener(r -> progress.accept(r.describe())));
  }

  private Session session(Target t, RedfishOptions options) {
    TlsPolicy tls = trust(t);
    RedfishClient c =
        call(
            () ->
                RedfishClient.connect(
                    new BmcEndpoint(t.name(), t.url(), null),
                    new Credentials(t.username(), t.password()),
                    tls,
                    options,
                    discovery));
    return new Session() {
      /**
       * The slots as the first {@link #bootedWith} read them, for the next ones in this session
       * (the engine asks for the task ISO, then for the job's own maintenance ISO); null after
       * anything that changes media or power.
       */
      private List<MediaSlot> slots;

      @Override
      public void bootFromMedia(URI maintenanceIso, URI taskIso, Supplier<URI> oneSlot) {
        slots = null;
        call(
            () ->
                VirtualMediaBoot.with(c)
                    .powerTimeout(options.powerTimeout())
                    .bootFromIsos(maintenanceIso, taskIso, oneSlot, BootMode.UEFI));
      }

      @Override
      public boolean bootedWith(URI iso) {
        return call(
            () -> {
              if (slots == null) {
                slots = c.mediaSlots();
              }
              return slots.stream().anyMatch(m -> m.inserted() && iso.toString().equals(m.image()))
                  && c.powerState() == PowerState.ON;
            });
      }

      @Override
      public void bootFromDisk() {
        slots = null;
        call(
            () ->
                VirtualMediaBoot.with(c)
                    .powerTimeout(options.powerTimeout())
                    .bootFromDisk(BootMode.UEFI));
      }

      @Override
      public void inOneSequence(Runnable work) {
        call(
            () ->
                c.sequence(
                    () -> {
                      work.run();
                      return null;
                    }));
      }

      @Override
      public void ejectMedia() {
        slots = null;
        call(c::ejectMedia);
      }

      @Override
      public String inventoryJson() {
        return call(
            () -> {
              try {
                return JSON.writeValueAsString(c.inventory());
              } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
              }
            });
      }

      @Override
      public String power(String action) {
        PowerAction a =
            switch (action) {
              case "On" -> PowerAction.ON;
              case "ForceOff" -> PowerAction.FORCE_OFF;
              case "GracefulShutdown" -> PowerAction.GRACEFUL_SHUTDOWN;
              case "ForceRestart" -> PowerAction.FORCE_RESTART;
              case "GracefulRestart" -> PowerAction.GRACEFUL_RESTART;
              case "PowerCycle" -> PowerAction.POWER_CYCLE;
              default -> throw new IllegalArgumentException("unknown power action " + action);
            };
        slots = null;
        return call(() -> c.power(a));
      }

      @Override
      public void close() {
        c.close();
      }
    };
  }

  /** How a target's certificate is trusted: not at all (insecure), by pin, by CA, or the system. */
  static TlsPolicy trust(Target t) {
    if (t.insecure()) {
      return new TlsPolicy.Insecure();
    }
    if (t.fingerprint() != null) {
      return new TlsPolicy.PinnedSha256(t.fingerprint());
    }
    if (t.caPem() != null) {
      return new TlsPolicy.CaBundle(t.caPem());
    }
    return TlsPolicy.system();
  }

  /** Runs a client call, mapping its errors: network, timeouts and 5xx may pass; the rest not. */
  static <T> T call(Supplier<T> s) {
    try {
      return s.get();
    } catch (RedfishTransportException | RedfishTimeoutException e) {
      throw new BmcException(e.getMessage(), true, e);
    } catch (RedfishHttpException e) {
      throw new BmcException(e.getMessage(), e.status() >= 500 || e.status() == 429, e);
    } catch (RedfishException e) {
      throw new BmcException(e.getMessage(), false, e);
    }
  }
}
