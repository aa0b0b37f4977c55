/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

/**
 * What happens to a machine, as {@link MachineTransitions} knows it: enrolment, its jobs, and the
 * operator's verbs. Which state each leads to, from which state, is the table's alone.
 */
public enum MachineEvent {
  /** The BMC was checked and the inventory read. */
  ENROLLED,
  /** A job was submitted for the machine. */
  JOB_STARTED,
  /** Its job Succeeded. */
  JOB_SUCCEEDED,
  /** Its job Failed or TimedOut. */
  JOB_FAILED,
  /** Its job was Canceled after the machine was told to boot it (its disks may be written). */
  JOB_CANCELED,
  /** Its job was Canceled before the machine was told to boot it (Pending, MediaReady). */
  JOB_CANCELED_UNTOUCHED,
  /** An operator put it in maintenance. */
  MAINTENANCE_ON,
  /** An operator ended its maintenance. */
  MAINTENANCE_OFF,
  /** An operator is taking it out of the fleet. */
  DECOMMISSION
}
