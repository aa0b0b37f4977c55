/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import org.junit.jupiter.api.Assumptions;

/**
 * The wrappers' tests attach loop devices and mount filesystems: they run as root (CI does). Not
 * root: skipped here, but failed when {@code PLINTH_REQUIRE_PEERS=1} (the CI run), so that CI can
 * never report the tool tests green while skipping them.
 */
final class Privileges {
  private Privileges() {}

  static void assumeRoot() {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root && "1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
      throw new AssertionError(
          "the tool wrapper tests need root (loop devices, mount) and PLINTH_REQUIRE_PEERS=1"
              + " requires them to run: run the build as root");
    }
    Assumptions.assumeTrue(
        root, "the tool wrapper tests need root (loop devices, mount); CI runs them as root");
  }
}
