/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Recipes v1: parsing YAML or JSON into the model with every error located (file:line:column and
 * JSON pointer), the JSON Schema, semantic checks, variable substitution, and expansion into the
 * generic steps the dispatcher runs. Entry points: {@link dev.plinth.recipes.RecipeParser}, {@link
 * dev.plinth.recipes.RecipeExpander}, {@link dev.plinth.recipes.RecipeSchema}.
 */
package dev.plinth.recipes;
