/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The wire form of {@code plinth.yaml}; absent settings are null and keep their defaults. */
record ConfigFile(
    @JsonProperty("listen") String listen,
    @JsonProperty("dataDir") String dataDir,
    @JsonProperty("publicUrl") String publicUrl,
    @JsonProperty("database") Database database,
    @JsonProperty("tls") Tls tls,
    @JsonProperty("allowPlainHttp") Boolean allowPlainHttp,
    @JsonProperty("media") Media media) {

  /** {@code media:} settings. */
  record Media(@JsonProperty("maintenanceIso") String maintenanceIso) {}

  /** {@code database:} settings. */
  record Database(@JsonProperty("url") String url) {}

  /** {@code tls:} settings: PEM file paths. */
  record Tls(
      @JsonProperty("certificate") String certificate,
      @JsonProperty("privateKey") String privateKey) {}
}
