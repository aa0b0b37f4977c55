/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc.qemu;

import dev.plinth.simulator.bmc.HardwareException;

/**
 * A QMP command failed: QEMU answered with an error ({@link #errorClass()} is its class, e.g.
 * {@code GenericError}, {@code DeviceNotFound}), did not answer in time, or the connection is gone
 * ({@link #errorClass()} is null).
 */
public final class QmpException extends HardwareException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final String errorClass;
  private final String description;

  QmpException(String command, String errorClass, String description) {
    super("QEMU " + command + ": " + description);
    this.command = command;
    this.errorClass = errorClass;
    this.description = description;
  }

  QmpException(String command, String description, Throwable cause) {
    super("QEMU " + command + ": " + description, cause);
    this.command = command;
    this.errorClass = null;
    this.description = description;
  }

  /** The command that failed. */
  public String command() {
    return command;
  }

  /** QEMU's error class, or null when QEMU did not answer. */
  public String errorClass() {
    return errorClass;
  }

  /** QEMU's error description ({@code desc}), or what went wrong with the connection. */
  public String description() {
    return description;
  }
}
