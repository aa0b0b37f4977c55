/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.media;

import dev.plinth.controller.store.Job;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes a job's medium on this controller when the file is not here: with several controllers
 * behind one address, a BMC may read the task ISO from a controller that did not build it. The task
 * ISO is deterministic, so each controller makes the same bytes (and the same validators) from the
 * stored job. The assembly wires the job engine's builder in; the media routes stay apart from it.
 */
@FunctionalInterface
public interface Rebuild {

  /** Never makes anything: a missing file is a 404 (one controller, or tests). */
  Rebuild NONE = (job, name) -> Optional.empty();

  /**
   * Makes {@code name} ({@code task.iso}, or {@link MaintenanceIso#JOB_ISO}) for {@code job}.
   *
   * @return the file, or empty when the job has no such medium now (not prepared yet, or ended)
   */
  Optional<Path> make(Job job, String name) throws IOException;
}
