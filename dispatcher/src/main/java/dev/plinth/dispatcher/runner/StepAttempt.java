/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;

/**
 * One attempt of one step.
 *
 * @param task the task the step belongs to
 * @param index the step's position, from 0
 * @param attempt 1 for the first attempt
 */
public record StepAttempt(Task task, int index, int attempt) {

  public TaskStep step() {
    return task.steps().get(index);
  }

  /** {@code NN-name}, e.g. {@code 01-partition}: unique per task, sorts in step order. */
  public String slug() {
    return String.format("%02d-%s", index + 1, step().name());
  }
}
