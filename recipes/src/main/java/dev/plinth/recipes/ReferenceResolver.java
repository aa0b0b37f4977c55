/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.ImageRef;
import java.util.Optional;

/**
 * Resolves a reference against the controller's registry; the controller implements it. At submit
 * time every tag is pinned to the digest it names then, so a job runs exactly what was checked.
 */
@FunctionalInterface
public interface ReferenceResolver {

  /**
   * The manifest digest ({@code sha256:...}) that {@code ref} names now, or empty when the registry
   * has no such repository, tag or digest.
   */
  Optional<String> resolve(ImageRef ref);
}
