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
    @JsonProperty("media") Media media,
    @JsonProperty("jobs") Jobs jobs,
    @JsonProperty("registry") Registry registry,
    @JsonProperty("tools") Tools tools) {

  /** {@code tools:} the site's image-signing public keys (PEM files, relative to the file). */
  record Tools(@JsonProperty("signingKeys") java.util.List<String> signingKeys) {}

  /** {@code registry:} an external registry (file paths relative to the file's directory). */
  record Registry(
      @JsonProperty("url") String url,
      @JsonProperty("username") String username,
      @JsonProperty("passwordFile") String passwordFile,
      @JsonProperty("pushUsername") String pushUsername,
      @JsonProperty("pushPasswordFile") String pushPasswordFile,
      @JsonProperty("caFile") String caFile) {}

  /** {@code jobs:} settings; values are text, checked by the loader with the key's line. */
  record Jobs(
      @JsonProperty("maxActive") String maxActive,
      @JsonProperty("maxPerBmc") String maxPerBmc,
      @JsonProperty("deadlines") Deadlines deadlines) {}

  /** {@code jobs.deadlines:} how long a job may stay in each state. */
  record Deadlines(
      @JsonProperty("pending") String pending,
      @JsonProperty("mediaReady") String mediaReady,
      @JsonProperty("booting") String booting,
      @JsonProperty("running") String running,
      @JsonProperty("finishing") String finishing) {

    java.util.List<String> values() {
      return java.util.Arrays.asList(pending, mediaReady, booting, running, finishing);
    }
  }

  /** {@code media:} settings. */
  record Media(@JsonProperty("maintenanceIso") String maintenanceIso) {}

  /** {@code database:} settings. */
  record Database(@JsonProperty("url") String url) {}

  /** {@code tls:} settings: PEM file paths. */
  record Tls(
      @JsonProperty("certificate") String certificate,
      @JsonProperty("privateKey") String privateKey) {}
}
