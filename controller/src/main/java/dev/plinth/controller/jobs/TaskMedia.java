/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.Layout;
import dev.plinth.controller.media.MaintenanceIso;
import dev.plinth.controller.media.MediaRoutes;
import dev.plinth.controller.media.Rebuild;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.MachineStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A job's media on this controller's disk: the task ISO the engine writes in Pending, and the same
 * file made again where a BMC asks a controller that did not prepare the job ({@link Rebuild}).
 * Every controller makes the same bytes (the task is deterministic, {@code SOURCE_DATE_EPOCH} is
 * the job's creation) and gives the file the job's creation time as its modification time, so the
 * media route's {@code ETag} and {@code Last-Modified} agree too and a BMC may read ranges from any
 * controller. Files of ended jobs are swept ({@link #sweep}) by every controller.
 */
public final class TaskMedia implements Rebuild {

  private static final System.Logger LOG = System.getLogger(TaskMedia.class.getName());

  /** The states in which a job's media are inserted or about to be. */
  private static final Set<JobState> SERVED =
      Set.of(JobState.MEDIA_READY, JobState.BOOTING, JobState.RUNNING, JobState.FINISHING);

  private final TaskIsos isos;
  private final MachineStore machines;
  private final Layout layout;
  private final String baseUrl;
  private final MaintenanceIso maintenance;
  // A few hundred BMCs reading one job's missing ISO at once build it once.
  private final ReentrantLock[] locks = new ReentrantLock[64];

  /**
   * @param baseUrl where BMCs and machines reach the controllers (the same on every one of them:
   *     the task ISO holds it)
   */
  public TaskMedia(
      JobStore jobs,
      TaskBuilder tasks,
      SecretBox box,
      MachineStore machines,
      Layout layout,
      String baseUrl,
      MaintenanceIso maintenance) {
    this.machines = machines;
    this.layout = layout;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.maintenance = maintenance;
    this.isos = new TaskIsos(jobs, machines, box, tasks, layout, this.baseUrl);
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /**
   * Writes {@code j}'s task ISO atomically from its stored plan ({@link TaskIsos#write}), with the
   * job's creation time as its mtime.
   */
  Path writeTaskIso(Job j) throws TaskBuilder.TaskException, IOException {
    return isos.write(j);
  }

  @Override
  public Optional<Path> make(Job job, String name) throws IOException {
    if (!SERVED.contains(job.state())) {
      return Optional.empty();
    }
    ReentrantLock lock = locks[Math.floorMod(job.id().hashCode(), locks.length)];
    lock.lock();
    try {
      Path task = MediaRoutes.taskIso(layout, job.id());
      Path file =
          MaintenanceIso.JOB_ISO.equals(name) ? MaintenanceIso.jobIso(layout, job.id()) : task;
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
      if (machines.byName(job.machineName()).isEmpty()) {
        return Optional.empty(); // the machine was deleted: the job fails, nothing to serve
      }
      if (!Files.isRegularFile(task)) {
        writeTaskIso(job);
        LOG.log(Level.INFO, "job {0}: task ISO made again here for a BMC", job.id());
      }
      if (file.equals(task)) {
        return Optional.of(task);
      }
      if (!maintenance.present()) {
        return Optional.empty();
      }
      URI iso = URI.create(baseUrl + "/media/" + job.mediaId() + "/task.iso");
      return Optional.of(maintenance.remasterFor(file, iso));
    } catch (TaskBuilder.TaskException e) {
      LOG.log(Level.WARNING, "job {0}: cannot make its task ISO: {1}", job.id(), e.getMessage());
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes the media of jobs that have ended, except {@code busy} ones: the engine cleans up the
   * jobs it ends, and this catches the copies other controllers made. A directory that names no job
   * is left alone.
   *
   * @return how many job directories went
   */
  int sweep(JobStore jobs, Set<String> busy) {
    int n = 0;
    try (Stream<Path> dirs =
        Files.isDirectory(layout.media()) ? Files.list(layout.media()) : Stream.empty()) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        String id = dir.getFileName().toString();
        if (busy.contains(id)) {
          continue;
        }
        Optional<Job> j = jobs.get(id);
        if (j.isPresent() && j.get().state().terminal()) {
          delete(dir);
          n++;
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "media sweep: {0}", e.getMessage());
    }
    return n;
  }

  /** Deletes a job's media directory. */
  void delete(String jobId) {
    delete(MediaRoutes.taskIso(layout, jobId).getParent());
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "media cleanup of {0} failed: {1}", dir, e.getMessage());
    }
  }
}
