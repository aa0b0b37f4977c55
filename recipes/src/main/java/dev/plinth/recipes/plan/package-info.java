/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The expanded plan: the ordered generic steps the dispatcher runs (inside task.json), with a
 * stable JSON form written and read by {@code dev.plinth.recipes.PlanJson}. Golden files pin it.
 */
package dev.plinth.recipes.plan;
