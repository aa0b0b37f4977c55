/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.Layout;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.registry.Registry;
import java.io.IOException;
import java.util.Optional;

/**
 * Starts the embedded registry for {@code plinth serve}. Until the controller's token store exists,
 * the admin token (any user name) is the only credential: Basic auth with it as password, or a
 * bearer token obtained with it from {@code /v2/token}.
 */
final class RegistryWiring {
  private RegistryWiring() {}

  static Registry start(PlinthConfig c, Layout layout, AdminToken admin, String dataPlaneListen)
      throws IOException {
    String adminHash = TokenHash.of(admin.token());
    Listen dp;
    if (dataPlaneListen != null) {
      dp = Listen.parse(dataPlaneListen);
    } else {
      int port = c.listen().port() == 0 ? 0 : c.listen().port() + 1;
      dp = new Listen(c.listen().host(), port);
    }
    // Benchmarks compare the Helidon path with the data plane by raising this threshold.
    long redirectAbove =
        Long.parseLong(System.getenv().getOrDefault("PLINTH_REGISTRY_REDIRECT_ABOVE", "1048576"));
    return Registry.builder()
        .root(layout.registry())
        .redirectAbove(redirectAbove)
        // online GC (grace 1 h) every PLINTH_REGISTRY_GC_EVERY, ISO-8601, default 6 h
        .gcEvery(
            java.time.Duration.parse(
                System.getenv().getOrDefault("PLINTH_REGISTRY_GC_EVERY", "PT6H")))
        .credentials(
            (user, secret) ->
                TokenHash.matches(secret, adminHash) ? Optional.of(user) : Optional.empty())
        .dataPlaneListen(dp.host(), dp.port())
        .start();
  }
}
