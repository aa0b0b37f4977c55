/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

/**
 * A {@link Hardware} call failed (QEMU refused a command, or is gone). The BMC answers 500 with the
 * message in {@code @Message.ExtendedInfo}; an asynchronous action's task ends in Exception.
 */
public class HardwareException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HardwareException(String message) {
    super(message);
  }

  public HardwareException(String message, Throwable cause) {
    super(message, cause);
  }
}
