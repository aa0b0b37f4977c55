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
 */
public record PlinthConfig(Listen listen, Path dataDir) {

  /** The defaults of a checkout: loopback only, data in {@code ./var}. */
  public static PlinthConfig defaults() {
    return new PlinthConfig(Listen.parse("127.0.0.1:8080"), Path.of("var"));
  }

  public PlinthConfig withListen(Listen l) {
    return new PlinthConfig(l, dataDir);
  }

  public PlinthConfig withDataDir(Path d) {
    return new PlinthConfig(listen, d);
  }
}
