/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The maintenance OS's ISO: what every job's BMC boots, with the job's task ISO in a second slot.
 * It is built by the maintenance-os module (or, for {@code plinth demo}, a stand-in for simulated
 * servers) and handed to the controller as a file; the controller only serves it.
 */
public final class MaintenanceIso {

  /** Where it is served, the same for every job. */
  public static final String PATH = "/media/maintenance.iso";

  /** The volume label a maintenance ISO carries; a simulated server boots only such a medium. */
  public static final String VOLUME_LABEL = "PLINTH-MAINT";

  private final Path file;

  public MaintenanceIso(Path file) {
    this.file = Objects.requireNonNull(file);
  }

  public Path file() {
    return file;
  }

  /** Whether the file is there; checked at each boot, as operators may replace it at any time. */
  public boolean present() {
    return Files.isRegularFile(file);
  }

  /** Why a job cannot boot without it, naming the settings that fix it. */
  public String missing() {
    return "no maintenance ISO at "
        + file
        + ": build it (maintenance-os) and put it there, or set media.maintenanceIso in"
        + " plinth.yaml (PLINTH_MAINTENANCE_ISO)";
  }
}
