/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/**
 * A string value that is either written in the recipe or names a secret the controller holds. A
 * secret is never written inline.
 */
public sealed interface TextValue {
  /** A value written in the recipe; it may contain variables. */
  record Literal(String value) implements TextValue {}

  /** The name of a secret; its value is supplied at run time and never stored in the recipe. */
  record SecretRef(String name) implements TextValue {}
}
