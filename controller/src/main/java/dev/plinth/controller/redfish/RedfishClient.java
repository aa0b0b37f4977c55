/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A logged-in connection to one BMC, driving one ComputerSystem. Thread-safe; requests to the BMC
 * are bounded by {@link RedfishOptions#maxConcurrentRequests()}. Close it to delete the session
 * (some BMCs allow only a handful).
 *
 * <p>Every method throws a {@link RedfishException} naming the BMC, the resource and the HTTP
 * status when it fails.
 */
public interface RedfishClient extends AutoCloseable {

  /**
   * Reads the service root, logs in, finds the system (by {@link BmcEndpoint#systemId()}, or the
   * only physical one), its manager, and the vendor quirks to apply.
   */
  static RedfishClient connect(
      BmcEndpoint endpoint, Credentials credentials, TlsPolicy tls, RedfishOptions options) {
    return DefaultRedfishClient.connect(endpoint, credentials, tls, options);
  }

  /**
   * Same, reusing what earlier logins to the same BMC discovered where the fresh service root and
   * system show it is the same one ({@link DiscoveryCache}): two GETs fewer per login.
   */
  static RedfishClient connect(
      BmcEndpoint endpoint,
      Credentials credentials,
      TlsPolicy tls,
      RedfishOptions options,
      DiscoveryCache discovery) {
    return DefaultRedfishClient.connect(endpoint, credentials, tls, options, discovery);
  }

  /** Same, with {@link RedfishOptions#defaults()}. */
  static RedfishClient connect(BmcEndpoint endpoint, Credentials credentials, TlsPolicy tls) {
    return connect(endpoint, credentials, tls, RedfishOptions.defaults());
  }

  /** The endpoint this client talks to. */
  BmcEndpoint endpoint();

  /** What the BMC is and which resources are driven. */
  BmcIdentity identity();

  /** Model, serial, UUID, MACs, boot and power state, disks where exposed, media slots. */
  Inventory inventory();

  /** The system's current power state. */
  PowerState powerState();

  /**
   * Asks for a power change, mapped to a ResetType the BMC allows. Returns without waiting for the
   * state to change (see {@link #waitForPowerState}); a request that finds the system already in
   * the wanted state succeeds.
   *
   * @return the ResetType sent, e.g. {@code ForceRestart} for {@link PowerAction#POWER_CYCLE} on a
   *     BMC that does not allow {@code PowerCycle}
   */
  String power(PowerAction action);

  /** Polls until the power state is {@code want}; throws {@link RedfishTimeoutException}. */
  PowerState waitForPowerState(PowerState want, Duration timeout);

  /** Sets a one-time boot override ({@code BootSourceOverrideEnabled=Once}) and checks it took. */
  void bootOnce(BootTarget target, BootMode mode);

  /** Every VirtualMedia slot, under the system and its managers. */
  List<MediaSlot> mediaSlots();

  /**
   * Inserts an ISO URL into a CD/DVD slot (InsertMedia action, or PATCH where the BMC has no
   * action), following any task the BMC starts. Call {@link #ejectMedia()} first.
   *
   * @return the slot used
   */
  MediaSlot insertMedia(URI image);

  /**
   * Inserts a second image into a free slot other than {@code beside} (the boot slot): a CD/DVD
   * slot, else a USB stick or removable disk. Plinth puts the task ISO there, beside the
   * maintenance ISO.
   *
   * @return the slot used, or empty when the BMC has no second slot that takes an image
   */
  Optional<MediaSlot> insertMediaBeside(URI image, MediaSlot beside);

  /**
   * Ejects every CD, DVD, USB stick and removable-disk slot that holds media; empty slots are left
   * alone. Returns them.
   */
  List<MediaSlot> ejectMedia();

  /**
   * Runs {@code body}, one boot sequence of calls on this client, with the media slots listed once
   * and then kept up to date from this client's own reads after each insert and eject, instead of
   * listed again before each step. Outside it every call reads afresh.
   */
  default <T> T sequence(java.util.function.Supplier<T> body) {
    return body.get();
  }

  /** Deletes the session. Never throws. */
  @Override
  void close();
}
