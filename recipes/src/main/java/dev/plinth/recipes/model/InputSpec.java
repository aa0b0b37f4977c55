/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Optional;

/**
 * A job input the recipe takes, referenced as {@code ${inputs.NAME}}. Without a default the job
 * must supply it.
 */
public record InputSpec(
    String description, Optional<String> defaultValue, Optional<String> pattern) {
  public InputSpec {
    description = description == null ? "" : description;
    defaultValue = defaultValue == null ? Optional.empty() : defaultValue;
    pattern = pattern == null ? Optional.empty() : pattern;
  }

  /** Whether a job must supply this input. */
  public boolean required() {
    return defaultValue.isEmpty();
  }
}
