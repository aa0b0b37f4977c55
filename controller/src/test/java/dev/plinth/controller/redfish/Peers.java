/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real peer tools for tests: used when installed; when absent the test is skipped, unless {@code
 * PLINTH_REQUIRE_PEERS=1} (CI), where it fails loudly.
 */
final class Peers {
  private Peers() {}

  /** Requires {@code file} to exist (e.g. a Debian package's module), naming the package. */
  static void require(Path file, String debianPackage) {
    if (Files.exists(file)) {
      return;
    }
    String why = file + " is missing: apt-get install " + debianPackage;
    if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
      fail(why);
    }
    assumeTrue(false, why);
  }
}
