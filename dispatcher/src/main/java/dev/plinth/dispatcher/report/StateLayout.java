/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every path under the dispatcher's state directory. No other class builds a path in it.
 *
 * <pre>
 * STATE/                        (/var/lib/plinth-dispatcher under systemd)
 * ├── task.iso                  a task fetched by URL (plinth.task=URL)
 * └── jobs/JOB/
 *     ├── events/
 *     │   ├── pending/SEQ.json  spooled, not yet acknowledged (SEQ: 10 digits)
 *     │   ├── acked/SEQ.json    acknowledged; kept: the job's history, replayed on restart
 *     │   └── rejected/SEQ.json refused by the controller (4xx), kept for diagnosis
 *     ├── target-disk           the disk chosen for target-disk, e.g. /dev/nvme0n1 (kept for restarts)
 *     ├── files/NN-step/PATH    the steps' files, mounted read-only at PATH in the container
 *     ├── sandbox/              the local runner's sandbox
 *     ├── output/NN-step/attempt-N.log
 *     │                         the quadlet runner's step output (the unit's stdout and stderr),
 *     │                         one file per attempt; removed when the job has finished
 *     └── tmp/                  staging for atomic writes
 * </pre>
 */
public record StateLayout(Path root) {

  public StateLayout {
    root = root.toAbsolutePath().normalize();
  }

  public Path fetchedTaskIso() {
    return root.resolve("task.iso");
  }

  public Path job(String jobId) {
    return root.resolve("jobs").resolve(jobId);
  }

  public Path pending(String jobId) {
    return job(jobId).resolve("events").resolve("pending");
  }

  public Path acked(String jobId) {
    return job(jobId).resolve("events").resolve("acked");
  }

  public Path rejected(String jobId) {
    return job(jobId).resolve("events").resolve("rejected");
  }

  public Path targetDisk(String jobId) {
    return job(jobId).resolve("target-disk");
  }

  public Path files(String jobId) {
    return job(jobId).resolve("files");
  }

  public Path sandbox(String jobId) {
    return job(jobId).resolve("sandbox");
  }

  /** The quadlet runner's output directory: {@code NN-step/attempt-N.log} under it. */
  public Path output(String jobId) {
    return job(jobId).resolve("output");
  }

  public Path tmp(String jobId) {
    return job(jobId).resolve("tmp");
  }

  /** The file name of an event in any of the event directories. */
  public static String eventFile(long sequence) {
    return String.format("%010d.json", sequence);
  }

  /** Creates a job's directories where missing. */
  public void create(String jobId) throws IOException {
    for (Path p : new Path[] {pending(jobId), acked(jobId), rejected(jobId), tmp(jobId)}) {
      Files.createDirectories(p);
    }
  }
}
