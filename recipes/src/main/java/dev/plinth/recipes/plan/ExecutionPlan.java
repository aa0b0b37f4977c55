/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.plan;

import dev.plinth.recipes.model.DiskSelection;
import dev.plinth.recipes.model.FinalAction;
import java.util.List;
import java.util.Optional;

/**
 * What the dispatcher executes for one job: the disk rules it resolves before the first step (when
 * any step needs the target disk), the ordered generic steps, and the final action.
 */
public record ExecutionPlan(
    String recipe,
    Optional<DiskSelection> disk,
    List<ExpandedStep> steps,
    FinalAction finalAction) {

  /** The plan format's version; it changes with recipe v1's major version only. */
  public static final String API_VERSION = "plinth.dev/v1";

  /** The kind written in the JSON form. */
  public static final String KIND = "ExecutionPlan";

  public ExecutionPlan {
    disk = disk == null ? Optional.empty() : disk;
    steps = List.copyOf(steps);
  }
}
