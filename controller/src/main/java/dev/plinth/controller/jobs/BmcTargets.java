/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

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

  public static BmcDriver.Target of(Machine m, SecretBox box) {
    return new BmcDriver.Target(
        m.name(),
        URI.create(m.bmcUrl()),
        m.bmcUsername(),
        box.open(m.sealedPassword(), context(m.id())),
        m.bmcInsecure());
  }
}
