/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import dev.plinth.contract.Task;
import java.io.IOException;
import java.util.Optional;

/** Runs the attempts of a task's steps. One runner serves one task; calls come from one thread. */
public interface StepRunner {

  /** A short name for logs: {@code quadlet} or {@code local}. */
  String name();

  /** Gets ready to run the task's steps (units, credentials, sandbox). Idempotent. */
  void prepare(Task task) throws IOException, InterruptedException;

  /**
   * Runs one attempt to its end, within the step's timeout. Failures of the tool are results, not
   * exceptions.
   *
   * @throws InterruptedException if the dispatcher is stopping; the attempt is then abandoned
   */
  StepResult run(StepAttempt attempt) throws InterruptedException;

  /**
   * After a dispatcher restart, for an attempt that was started but whose end was not recorded: its
   * result if the runner can still learn it (waiting while it still runs), else empty, and the
   * dispatcher records the attempt as interrupted and starts another.
   */
  default Optional<StepResult> reattach(StepAttempt attempt) throws InterruptedException {
    return Optional.empty();
  }

  /**
   * The file the attempt's output (stdout and stderr) grows in while it runs, for streaming it to
   * the controller; empty when the runner has none (its output reaches the controller only as the
   * log tail of the result).
   */
  default Optional<java.nio.file.Path> outputFile(StepAttempt attempt) {
    return Optional.empty();
  }

  /**
   * The task has finished (its {@code finished} event is journaled): releases what the runner kept
   * for its steps, such as their output files. Nothing is run after it.
   */
  default void finish(Task task) throws IOException {}
}
