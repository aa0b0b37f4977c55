/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.Layout;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.controller.security.RegistryAccess;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.registry.Registry;
import dev.plinth.registry.api.Authorizer;
import dev.plinth.registry.api.CredentialChecker;
import java.io.IOException;
import java.util.Optional;

/**
 * Starts the embedded registry for {@code plinth serve}. Credentials (any user name, a token as the
 * Basic password, or a bearer token obtained that way from {@code /v2/token}) and permissions are
 * decided by {@code access}: API tokens by role, job tokens by their recipe (see {@link
 * RegistryAccess}). It refuses everyone until the controller binds it.
 */
final class RegistryWiring {
  private RegistryWiring() {}

  /**
   * The registry with the admin token as its only credential (the demo, until it binds a {@link
   * RegistryAccess.Gate} to its controller like {@code serve} does).
   */
  static Registry start(PlinthConfig c, Layout layout, AdminToken admin, String dataPlaneListen)
      throws IOException {
    String adminHash = TokenHash.of(admin.token());
    return start(
        c,
        layout,
        (user, secret) ->
            TokenHash.matches(secret, adminHash) ? Optional.of(user) : Optional.empty(),
        Authorizer.allowAll(),
        dataPlaneListen);
  }

  static Registry start(
      PlinthConfig c, Layout layout, RegistryAccess.Gate access, String dataPlaneListen)
      throws IOException {
    return start(c, layout, access, access, dataPlaneListen);
  }

  private static Registry start(
      PlinthConfig c,
      Layout layout,
      CredentialChecker credentials,
      Authorizer authorizer,
      String dataPlaneListen)
      throws IOException {
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
        .credentials(credentials)
        .authorizer(authorizer)
        .dataPlaneListen(dp.host(), dp.port())
        .start();
  }
}
