/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The virtual-media boot sequence, as Ironic runs it: power off and wait, eject stale media, insert
 * the ISO, one-time boot from CD, power on and wait; and back: power off, eject, one-time boot from
 * disk, power on.
 *
 * <pre>{@code
 * try (RedfishClient bmc = RedfishClient.connect(endpoint, credentials, tls, options)) {
 *   VirtualMediaBoot.with(bmc).bootFromIso(URI.create("https://ctl/media/j1/task.iso"), BootMode.UEFI);
 *   ... the machine runs its job ...
 *   VirtualMediaBoot.with(bmc).bootFromDisk(BootMode.UEFI);
 * }
 * }</pre>
 */
public final class VirtualMediaBoot {

  /** The steps, reported to a {@link Listener} as they start. */
  public enum Step {
    POWER_OFF,
    EJECT,
    INSERT,
    BOOT_ONCE,
    POWER_ON,
    DONE
  }

  /** Progress callback (the job engine turns these into job events). */
  @FunctionalInterface
  public interface Listener {
    void step(Step step, String detail);
  }

  /**
   * What a sequence did.
   *
   * @param inserted the slot holding the boot ISO, or null when booting from disk
   * @param beside the slot holding the second image, or null when there is none
   * @param ejected slots that held media and were ejected
   * @param powerState the final power state
   */
  public record Result(
      MediaSlot inserted, MediaSlot beside, List<MediaSlot> ejected, PowerState powerState) {}

  private final RedfishClient client;
  private final Listener listener;
  private final Duration powerTimeout;

  private VirtualMediaBoot(RedfishClient client, Listener listener, Duration powerTimeout) {
    this.client = Objects.requireNonNull(client);
    this.listener = Objects.requireNonNull(listener);
    this.powerTimeout = Objects.requireNonNull(powerTimeout);
  }

  /** The sequence on {@code client}, waiting up to 10 minutes for each power change. */
  public static VirtualMediaBoot with(RedfishClient client) {
    return new VirtualMediaBoot(client, (s, d) -> {}, Duration.ofMinutes(10));
  }

  /** This sequence reporting to {@code l}. */
  public VirtualMediaBoot listener(Listener l) {
    return new VirtualMediaBoot(client, l, powerTimeout);
  }

  /** This sequence with another power-change deadline. */
  public VirtualMediaBoot powerTimeout(Duration d) {
    return new VirtualMediaBoot(client, listener, d);
  }

  /**
   * Power off, eject stale media, insert {@code iso}, boot once from CD in {@code mode}, power on.
   */
  public Result bootFromIso(URI iso, BootMode mode) {
    return boot(iso, null, mode);
  }

  /**
   * As {@link #bootFromIso}, with {@code second} inserted in another slot before the boot (the task
   * ISO beside the maintenance ISO): a CD/DVD slot, else a USB stick or removable disk.
   *
   * @throws RedfishUnsupportedException when the BMC has no second slot that takes an image
   */
  public Result bootFromIsos(URI iso, URI second, BootMode mode) {
    return boot(iso, Objects.requireNonNull(second), mode);
  }

  /**
   * As {@link #bootFromIsos}, but when the BMC has no second slot that takes an image (OpenBMC's
   * single legacy slot), ejects {@code iso} again and boots {@code oneSlot.get()} alone instead: an
   * ISO that carries what the second slot would have (Plinth: the job's own maintenance ISO, whose
   * kernel command line names the task ISO's URL). {@code oneSlot} is called only then.
   */
  public Result bootFromIsos(URI iso, URI second, Supplier<URI> oneSlot, BootMode mode) {
    return boot(iso, Objects.requireNonNull(second), Objects.requireNonNull(oneSlot), mode);
  }

  private Result boot(URI iso, URI second, BootMode mode) {
    return boot(iso, second, null, mode);
  }

  private Result boot(URI iso, URI second, Supplier<URI> oneSlot, BootMode mode) {
    return client.sequence(() -> bootInSequence(iso, second, oneSlot, mode));
  }

  private Result bootInSequence(URI iso, URI second, Supplier<URI> oneSlot, BootMode mode) {
    powerOff();
    listener.step(Step.EJECT, "stale media");
    List<MediaSlot> ejected = client.ejectMedia();
    listener.step(Step.INSERT, Redaction.redact(iso.toString()));
    MediaSlot slot = client.insertMedia(iso);
    MediaSlot beside = null;
    if (second != null) {
      listener.step(Step.INSERT, Redaction.redact(second.toString()));
      beside = client.insertMediaBeside(second, slot).orElse(null);
      if (beside == null && oneSlot == null) {
        throw new RedfishUnsupportedException(
            client.endpoint().name(),
            "VirtualMedia",
            "only one slot takes an image; the task ISO needs a second one (CD, DVD,"
                + " USB stick or removable disk)");
      }
      if (beside == null) {
        URI alone = oneSlot.get();
        listener.step(Step.EJECT, "one slot: " + slot.id());
        client.ejectMedia();
        listener.step(Step.INSERT, Redaction.redact(alone.toString()));
        slot = client.insertMedia(alone);
      }
    }
    listener.step(Step.BOOT_ONCE, "Cd " + mode.redfish());
    client.bootOnce(BootTarget.CD, mode);
    PowerState on = powerOn();
    listener.step(Step.DONE, "booting from " + slot.id());
    return new Result(slot, beside, ejected, on);
  }

  /** Power off, eject all media, boot once from disk in {@code mode}, power on. */
  public Result bootFromDisk(BootMode mode) {
    return client.sequence(() -> diskInSequence(mode));
  }

  private Result diskInSequence(BootMode mode) {
    powerOff();
    listener.step(Step.EJECT, "all media");
    List<MediaSlot> ejected = client.ejectMedia();
    listener.step(Step.BOOT_ONCE, "Hdd " + mode.redfish());
    client.bootOnce(BootTarget.HDD, mode);
    PowerState on = powerOn();
    listener.step(Step.DONE, "booting from disk");
    return new Result(null, null, ejected, on);
  }

  private void powerOff() {
    PowerState now = client.powerState();
    listener.step(Step.POWER_OFF, "was " + now);
    if (now != PowerState.OFF) {
      client.power(PowerAction.FORCE_OFF);
      client.waitForPowerState(PowerState.OFF, powerTimeout);
    }
  }

  private PowerState powerOn() {
    listener.step(Step.POWER_ON, "");
    client.power(PowerAction.ON);
    return client.waitForPowerState(PowerState.ON, powerTimeout);
  }
}
