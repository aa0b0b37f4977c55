/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.app;

import dev.plinth.controller.api.RegistryApi;
import dev.plinth.controller.security.RegistryAccess;
import dev.plinth.registry.Registry;
import io.helidon.webserver.http.HttpRouting;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Mounts {@code /api/v1/registry/...} (gc, retain, fsck) for the embedded registry a command starts
 * next to the {@link Controller}, under the same access rules as its {@code /v2}.
 */
public final class RegistryMaintenanceRoutes {
  private RegistryMaintenanceRoutes() {}

  /**
   * @param access the registry's access rules (admins may maintain it)
   * @param registry the registry, asked at each call ({@code serve} starts it in parallel)
   */
  public static Consumer<HttpRouting.Builder> of(
      RegistryAccess.Gate access, Supplier<Registry> registry) {
    return RegistryApi.routes(
        access,
        () -> {
          Registry g = registry.get();
          // null: an external registry (registry.url) serves instead of the embedded one
          return g == null ? null : g.maintenance();
        });
  }
}
