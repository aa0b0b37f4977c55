/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds {@link RegistryClient}s from command-line values. */
final class Registries {

  private Registries() {}

  /**
   * A client for {@code url} ({@code http://host:port}; a bare {@code host:port} means https).
   * Credentials: {@code user} and the first line of {@code passwordFile}, else the environment's
   * {@code PREFIX_USERNAME} / {@code PREFIX_PASSWORD}, else anonymous.
   */
  static RegistryClient open(String url, String user, Path passwordFile, String envPrefix)
      throws IOException {
    String u = url.contains("://") ? url : "https://" + url;
    String name = user != null ? user : System.getenv(envPrefix + "_USERNAME");
    String password = null;
    if (passwordFile != null) {
      password = Files.readString(passwordFile).lines().findFirst().orElse("").strip();
    } else if (System.getenv(envPrefix + "_PASSWORD") != null) {
      password = System.getenv(envPrefix + "_PASSWORD");
    }
    RegistryClient c = new RegistryClient(URI.create(u), name, password);
    if (!c.ping()) {
      throw new IOException(u + ": the registry does not answer /v2/ (or refuses the credentials)");
    }
    return c;
  }
}
