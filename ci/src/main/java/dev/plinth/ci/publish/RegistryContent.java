/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import java.io.IOException;
import java.io.InputStream;

/** A repository of a registry as a {@link Content} source. */
public record RegistryContent(RegistryClient registry, String repo) implements Content {

  @Override
  public RegistryClient.Manifest manifest(String digest) throws IOException {
    RegistryClient.Manifest m =
        registry
            .manifest(repo, digest)
            .orElseThrow(() -> new IOException(describe() + ": no manifest " + digest));
    if (!m.digest().equals(digest)) {
      throw new IOException(describe() + "@" + digest + ": the registry sent other bytes");
    }
    return m;
  }

  @Override
  public InputStream blob(String digest) throws IOException {
    return registry.blob(repo, digest);
  }

  @Override
  public String describe() {
    return registry.host() + "/" + repo;
  }
}
