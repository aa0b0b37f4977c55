/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import java.net.URI;
import java.util.function.Supplier;

/**
 * What the engine and the API need from a BMC, narrow enough to fake in tests. The Redfish client
 * implements it in production ({@code RedfishBmcDriver}).
 */
public interface BmcDriver {

  /**
   * How to reach a machine's BMC.
   *
   * @param name the machine's name, for errors
   * @param caPem CA certificates (PEM) the BMC's certificate must chain to, or null
   * @param fingerprint the SHA-256 the BMC's certificate must have, or null
   */
  record Target(
      String name,
      URI url,
      String username,
      String password,
      boolean insecure,
      String caPem,
      String fingerprint) {

    /** A target trusted through the system trust store (or, insecure, not checked). */
    public Target(String name, URI url, String username, String password, boolean insecure) {
      this(name, url, username, password, insecure, null, null);
    }

    @Override
    public String toString() {
      return "Target[" + name + " " + url + "]";
    }
  }

  /** A logged-in session; closing it logs out. */
  interface Session extends AutoCloseable {
    /**
     * Power off, eject stale media, insert {@code maintenanceIso} in a CD slot and {@code taskIso}
     * in a second slot, boot once from CD, power on. When the BMC has only one slot that takes an
     * image, boots {@code oneSlot.get()} alone instead (the job's own maintenance ISO, whose kernel
     * command line names {@code taskIso}); {@code oneSlot} is called only then.
     */
    void bootFromMedia(URI maintenanceIso, URI taskIso, Supplier<URI> oneSlot);

    /**
     * Whether the machine is on with {@code iso} inserted: a boot with it already happened. The
     * engine asks after a restart instead of booting the machine a second time.
     */
    boolean bootedWith(URI iso);

    /** Power off, eject all media, boot once from disk, power on. */
    void bootFromDisk();

    /**
     * Runs {@code work} (calls on this session) as one sequence: the media slots are listed once
     * for all of it and kept up to date by the session's own reads, so the restart check and the
     * boot that follows do not list them twice. By default it just runs {@code work}.
     */
    default void inOneSequence(Runnable work) {
      work.run();
    }

    /** Ejects every virtual medium (cancel, failure). */
    void ejectMedia();

    /** Model, serial, MACs, disks..., as JSON. */
    String inventoryJson();

    /**
     * Asks for one of On, ForceOff, GracefulShutdown, ForceRestart, GracefulRestart, PowerCycle.
     *
     * @return the ResetType sent, which is another one when the BMC does not allow the one asked
     */
    String power(String action);

    @Override
    void close();
  }

  /**
   * Logs in to a BMC.
   *
   * @throws BmcException when it cannot be reached or refuses
   */
  Session open(Target target);

  /**
   * Logs in to a BMC, telling {@code progress} a line for a person about each retry of a request
   * the BMC did not answer ({@code BMC 10.0.0.5:443: connection refused, retrying (attempt 3, next
   * in 8s, giving up after 50s)}). By default it tells nothing.
   */
  default Session open(Target target, java.util.function.Consumer<String> progress) {
    return open(target);
  }

  /** A BMC failure with a message safe to show (never credentials). */
  final class BmcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Whether retrying may help (5xx, timeouts) rather than not (401, unsupported). */
    private final boolean transientFailure;

    public BmcException(String message, boolean transientFailure, Throwable cause) {
      super(message, cause);
      this.transientFailure = transientFailure;
    }

    public boolean transientFailure() {
      return transientFailure;
    }
  }
}
