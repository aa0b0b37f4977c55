/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.contract.Task;
import dev.plinth.controller.Layout;
import dev.plinth.controller.media.MediaRoutes;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.MachineStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.UUID;

/**
 * A job's task ISO from the store alone: its stored {@link JobPlan}, id, creation time and sealed
 * secrets, and this controller's public URL. So the ISO is a pure function of what the database
 * holds, and any controller sharing it can (re)build any job's ISO to the same bytes ({@link
 * #rebuild}).
 *
 * <p>A job submitted before plans were stored (no {@code plan}) is compiled at its first use, from
 * its stored recipe with references pinned then, and the plan is stored: every later reader, on any
 * controller, sees that one.
 */
public final class TaskIsos {

  private static final System.Logger LOG = System.getLogger(TaskIsos.class.getName());

  private final JobStore jobs;
  private final MachineStore machines;
  private final SecretBox box;
  private final TaskBuilder tasks;
  private final Layout layout;
  private final String baseUrl;

  /**
   * @param baseUrl the controller's public URL (the one machines reach; the same on every
   *     controller behind one load balancer)
   */
  public TaskIsos(
      JobStore jobs,
      MachineStore machines,
      SecretBox box,
      TaskBuilder tasks,
      Layout layout,
      String baseUrl) {
    this.jobs = jobs;
    this.machines = machines;
    this.box = box;
    this.tasks = tasks;
    this.layout = layout;
    this.baseUrl = baseUrl;
  }

  /**
   * The job's plan: as stored, or (a job stored without one) compiled now and stored ({@link
   * TaskBuilder#plan}).
   *
   * @throws TaskBuilder.TaskException when a job without a plan cannot be compiled
   */
  public JobPlan plan(Job j) throws TaskBuilder.TaskException {
    return tasks.plan(j, machines.byName(j.machineName()));
  }

  /** The job's task, from its plan. */
  public Task task(Job j) throws TaskBuilder.TaskException {
    return tasks.task(plan(j), j, JobSecrets.open(box, j.id(), j.sealedSecret()), baseUrl);
  }

  /**
   * Writes the job's task ISO where media serves it ({@link MediaRoutes#taskIso}), atomically.
   *
   * @return its path
   */
  public Path write(Job j) throws TaskBuilder.TaskException, IOException {
    Task task = task(j);
    Path target = MediaRoutes.taskIso(layout, j.id());
    Files.createDirectories(target.getParent());
    Path staged = layout.tmp().resolve("task-" + j.id() + "-" + UUID.randomUUID() + ".iso");
    try {
      TaskBuilder.writeIso(task, j.createdAt().getEpochSecond(), staged, layout.tmp());
      // The job's creation as the file's time: every controller's copy has the same validators.
      Files.setLastModifiedTime(staged, FileTime.from(j.createdAt()));
      Files.move(
          staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(staged);
    }
    return target;
  }

  /**
   * Rebuilds job {@code jobId}'s task ISO from the store (for media serving on a controller that
   * does not hold the file): the same bytes the engine wrote, at the same path.
   *
   * @return its path, or empty when there is no such job or its plan cannot be made
   */
  public Optional<Path> rebuild(String jobId) throws IOException {
    Optional<Job> j = jobs.get(jobId);
    if (j.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(write(j.get()));
    } catch (TaskBuilder.TaskException e) {
      LOG.log(Level.WARNING, "job {0}: no task ISO: {1}", jobId, e.getMessage());
      return Optional.empty();
    }
  }
}
