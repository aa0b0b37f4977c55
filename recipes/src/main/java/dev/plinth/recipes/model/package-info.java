/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The recipe model: plain records and enums for what an operator writes (recipe v1), free of any
 * serialization library. Steps are a sealed interface: the generic {@link RunStep} and the typed
 * shorthands that {@code RecipeExpander} turns into generic steps.
 */
package dev.plinth.recipes.model;
