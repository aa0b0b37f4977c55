/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/** Host devices a step may be given; the dispatcher decides which nodes these mean. */
public enum DeviceClass {
  /** The disk chosen by the recipe's disk rules, and its partitions. */
  TARGET_DISK,
  /** Every non-removable disk of the machine (decommissioning). */
  ALL_DISKS
}
