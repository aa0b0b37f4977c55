/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.media;

import dev.plinth.controller.Layout;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import dev.plinth.registry.dataplane.DataPlane;
import dev.plinth.registry.dataplane.MediaSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The media {@link MediaRoutes} serves, for the registry's data plane (Netty, sendfile): the same
 * paths ({@code /media/maintenance.iso}, {@code /media/{mediaId}/task.iso}, {@code
 * /media/{mediaId}/maintenance.iso}) map to the same files by the same rules. A media id opens only
 * its own job's files; a file that is not on this controller is made through {@link Rebuild}, off
 * the data plane's event loop. Media ids already looked up are remembered (id to job id only), so
 * the range requests that follow cost the data plane's one stat, not a database read; a remembered
 * job whose file has gone (the job ended) is looked up again.
 */
public final class MediaFiles implements MediaSource {

  private static final String PREFIX = "/media/";
  private static final int REMEMBERED = 4096;

  private final Layout layout;
  private final JobStore jobs;
  private final MaintenanceIso maintenance;
  private final Rebuild rebuild;
  private final ConcurrentHashMap<String, String> jobByMediaId = new ConcurrentHashMap<>();

  public MediaFiles(Layout layout, JobStore jobs, MaintenanceIso maintenance, Rebuild rebuild) {
    this.layout = layout;
    this.jobs = jobs;
    this.maintenance = maintenance;
    this.rebuild = rebuild;
  }

  /**
   * Serves media on {@code dataPlane} and hands BMCs URLs under {@code base} (the data plane as
   * BMCs reach it) from now on.
   */
  public void serveOn(DataPlane dataPlane, String base) {
    dataPlane.serveMedia(this);
    maintenance.readFrom(base);
  }

  /** A parsed media path: the shared maintenance ISO (no id), or a job's medium. */
  private record Ask(String mediaId, String name) {}

  private static Ask parse(String path) {
    if (path.equals(MaintenanceIso.PATH)) {
      return new Ask(null, null);
    }
    if (!path.startsWith(PREFIX)) {
      return null;
    }
    int slash = path.indexOf('/', PREFIX.length());
    if (slash <= PREFIX.length() || slash - PREFIX.length() > 128) {
      return null;
    }
    String name = path.substring(slash + 1);
    if (!name.equals("task.iso") && !name.equals(MaintenanceIso.JOB_ISO)) {
      return null;
    }
    return new Ask(path.substring(PREFIX.length(), slash), name);
  }

  private Path file(String jobId, String name) {
    return name.equals("task.iso")
        ? MediaRoutes.taskIso(layout, jobId)
        : MaintenanceIso.jobIso(layout, jobId);
  }

  @Override
  public Path known(String path) {
    Ask a = parse(path);
    if (a == null) {
      return null;
    }
    // No stat here: the data plane stats what it serves and asks find() when the file is gone.
    if (a.mediaId() == null) {
      return maintenance.file();
    }
    String jobId = jobByMediaId.get(a.mediaId());
    return jobId == null ? null : file(jobId, a.name());
  }

  @Override
  public Optional<Path> find(String path) throws IOException {
    Ask a = parse(path);
    if (a == null) {
      return Optional.empty();
    }
    if (a.mediaId() == null) {
      return maintenance.present() ? Optional.of(maintenance.file()) : Optional.empty();
    }
    Optional<Job> job = jobs.byMediaId(a.mediaId());
    if (job.isEmpty()) {
      return Optional.empty();
    }
    if (jobByMediaId.size() >= REMEMBERED) {
      jobByMediaId.clear();
    }
    jobByMediaId.put(a.mediaId(), job.get().id());
    return Optional.ofNullable(
        MediaRoutes.local(job, file(job.get().id(), a.name()), a.name(), rebuild));
  }
}
