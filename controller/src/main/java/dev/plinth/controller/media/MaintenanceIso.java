/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.media;

import dev.plinth.controller.Layout;
import dev.plinth.iso.IsoReader;
import dev.plinth.iso.IsoRemaster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;

/**
 * The maintenance OS's ISO: what every job's BMC boots, with the job's task ISO in a second slot;
 * for a BMC with one slot, a per-job copy that names the task ISO's URL ({@link #remasterFor}). It
 * is built by the maintenance-os module (or, for {@code plinth demo}, a stand-in for simulated
 * servers) and handed to the controller as a file; the controller only serves it.
 */
public final class MaintenanceIso {

  /** Where it is served, the same for every job. */
  public static final String PATH = "/media/maintenance.iso";

  /** A job's own maintenance ISO, served at {@code /media/{mediaId}/maintenance.iso}. */
  public static final String JOB_ISO = "maintenance.iso";

  /** The kernel argument that tells the dispatcher where its task ISO is. */
  public static final String TASK_ARG = "plinth.task=";

  private final Path file;

  /** Where BMCs read media (the data plane), when not from the controller's own URL. */
  private volatile String bmcBase;

  public MaintenanceIso(Path file) {
    this.file = Objects.requireNonNull(file);
  }

  /**
   * BMCs read media from {@code base} (the data plane, {@link MediaFiles#serveOn}) from now on;
   * null: from the controller's URL again.
   */
  public void readFrom(String base) {
    this.bmcBase = base;
  }

  /**
   * The URL a BMC is given for the medium at {@code path} ({@link #PATH}, {@code
   * /media/{mediaId}/...}): on the data plane when it serves media, else under {@code
   * controllerBase}.
   */
  public URI forBmc(String controllerBase, String path) {
    String b = bmcBase;
    return URI.create((b != null ? b : controllerBase) + path);
  }

  public Path file() {
    return file;
  }

  /** Whether the file is there; checked at each boot, as operators may replace it at any time. */
  public boolean present() {
    return Files.isRegularFile(file);
  }

  /** Where a job's own maintenance ISO lives (one-slot BMCs), beside its task ISO. */
  public static Path jobIso(Layout layout, String jobId) {
    return layout.media().resolve(jobId).resolve(JOB_ISO);
  }

  /**
   * The job's own maintenance ISO, for a BMC with one virtual media slot: a copy of this one whose
   * kernel command line carries {@code plinth.task=taskUrl}, so the dispatcher fetches its task
   * from the media URL instead of finding it by label in a second slot (decision 13). Written at
   * {@code out} once per job (the same bytes every time: {@link IsoRemaster}); an existing copy is
   * reused unless this ISO has changed since. It goes with the job's media directory.
   *
   * @throws IOException if this ISO cannot be read or lacks the ISOLINUX and GRUB boot entries
   * @throws IllegalArgumentException if {@code taskUrl} is not one printable word
   */
  public Path remasterFor(Path out, URI taskUrl) throws IOException {
    if (Files.isRegularFile(out)
        && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(file)) >= 0) {
      return out;
    }
    String label;
    try (IsoReader r = IsoReader.open(file)) {
      label = r.volumeId();
    }
    IsoRemaster.withKernelArgs(file, label, List.of(TASK_ARG + taskUrl), out);
    // This ISO's time, not now's: every controller's copy has the same ETag and Last-Modified
    // (and the copy is older than this ISO again only once the ISO is replaced).
    Files.setLastModifiedTime(out, Files.getLastModifiedTime(file));
    try {
      // It holds the task ISO's URL: as private as the task ISO itself.
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    return out;
  }

  /** Why a job cannot boot without it, naming the settings that fix it. */
  public String missing() {
    return "no maintenance ISO at "
        + file
        + ": build it (maintenance-os) and put it there, or set media.maintenanceIso in"
        + " plinth.yaml (PLINTH_MAINTENANCE_ISO)";
  }
}
