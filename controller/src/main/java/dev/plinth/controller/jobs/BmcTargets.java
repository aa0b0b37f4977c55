/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.redfish.TlsPolicy;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Machine;
import java.net.URI;

/** Turns a stored machine into a BMC target, opening its sealed password. */
public final class BmcTargets {
  private BmcTargets() {}

  /** The context a machine's password is sealed for. */
  public static String context(String machineId) {
    return "machine:" + machineId;
  }

  /**
   * Checks that {@code pem} is a CA bundle the BMC client can use.
   *
   * @throws IllegalArgumentException saying why not
   */
  public static void checkCaPem(String pem) {
    new TlsPolicy.CaBundle(pem).sslContext();
  }

  /**
   * A certificate pin ({@code SHA256:} and hex, colons allowed) as stored: lower-case hex.
   *
   * @throws IllegalArgumentException when it is not a SHA-256
   */
  public static String fingerprint(String pin) {
    return new TlsPolicy.PinnedSha256(pin).fingerprintHex();
  }

  public static BmcDriver.Target of(Machine m, SecretBox box) {
    return new BmcDriver.Target(
        m.name(),
        URI.create(m.bmcUrl()),
        m.bmcUsername(),
        box.open(m.sealedPassword(), context(m.id())),
        m.bmcInsecure(),
        m.bmcCaPem(),
        m.bmcFingerprint());
  }
}
