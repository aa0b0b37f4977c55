/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import java.nio.file.Path;

/**
 * The controller's configuration.
 *
 * @param listen host and port of the main (control-plane) listener
 * @param dataDir the data directory: state, registry storage, media, secrets
 * @param databaseUrl a JDBC URL ({@code jdbc:postgresql://...}); null for SQLite in the data
 *     directory
 * @param publicUrl the base URL BMCs and machines reach the controller at; null to derive it from
 *     the listen address
 */
public record PlinthConfig(Listen listen, Path dataDir, String databaseUrl, String publicUrl) {

  public PlinthConfig(Listen listen, Path dataDir) {
    this(listen, dataDir, null, null);
  }

  /** The defaults of a checkout: loopback only, data in {@code ./var}. */
  public static PlinthConfig defaults() {
    return new PlinthConfig(Listen.parse("127.0.0.1:8080"), Path.of("var"));
  }

  public PlinthConfig withListen(Listen l) {
    return new PlinthConfig(l, dataDir, databaseUrl, publicUrl);
  }

  public PlinthConfig withDataDir(Path d) {
    return new PlinthConfig(listen, d, databaseUrl, publicUrl);
  }

  public PlinthConfig withDatabaseUrl(String url) {
    return new PlinthConfig(listen, dataDir, url, publicUrl);
  }

  public PlinthConfig withPublicUrl(String url) {
    return new PlinthConfig(listen, dataDir, databaseUrl, url);
  }
}
