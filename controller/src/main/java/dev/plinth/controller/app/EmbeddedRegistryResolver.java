/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.app;

import dev.plinth.controller.jobs.RegistryResolver;
import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.registry.Registry;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Pins image references to digests against the controller's embedded registry in process: the
 * registry's own tag and manifest store answers what {@code HEAD /v2/<repo>/manifests/<ref>} on the
 * controller's listener would (the {@link RegistryResolver} the embedded mode used before), without
 * a loopback HTTP request, its authentication and its access log line per submitted image. The
 * answers are the same: the digest, or empty for an unknown repository, tag or digest; what the
 * registry would answer with another status (an invalid name: 400; storage it cannot read: 500) is
 * a {@link RegistryResolver.RegistryException} saying that status. An external registry ({@code
 * registry.url}) keeps {@link RegistryResolver}.
 */
public final class EmbeddedRegistryResolver implements ReferenceResolver {

  private final Supplier<Registry> registry;

  /**
   * @param registry the embedded registry; asked at each resolve (it may still be starting when the
   *     controller is built), never null once it answers
   */
  public EmbeddedRegistryResolver(Supplier<Registry> registry) {
    this.registry = Objects.requireNonNull(registry);
  }

  /**
   * {@inheritDoc}
   *
   * @throws RegistryResolver.RegistryException when the registry cannot answer (not for a missing
   *     repository, tag or digest)
   */
  @Override
  public Optional<String> resolve(ImageRef ref) {
    String reference = ref.digest() != null ? ref.digest() : ref.tag();
    String what = "HEAD /v2/" + ref.repository() + "/manifests/" + reference;
    try {
      return registry.get().manifestDigest(ref.repository(), reference);
    } catch (dev.plinth.registry.api.RegistryException e) {
      int status = e.code().status();
      if (status == 404) {
        return Optional.empty();
      }
      throw new RegistryResolver.RegistryException(
          what
              + ": the embedded registry answered HTTP "
              + status
              + " ("
              + e.getMessage()
              + "; try again later)",
          e);
    } catch (UncheckedIOException e) {
      throw new RegistryResolver.RegistryException(
          what + ": the embedded registry cannot read its storage (" + e.getCause() + ")", e);
    }
  }
}
