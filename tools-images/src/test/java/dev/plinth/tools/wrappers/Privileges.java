/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import org.junit.jupiter.api.Assumptions;

/** The wrappers' tests attach loop devices and mount filesystems: they run as root (CI does). */
final class Privileges {
  private Privileges() {}

  static void assumeRoot() {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "the tool wrapper tests need root (loop devices, mount); CI runs them as root");
  }
}
