/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The machine's disks: {@link dev.plinth.dispatcher.disks.DiskInventory} reads them from sysfs and
 * {@link dev.plinth.dispatcher.disks.DiskSelector} picks the task's target disk by its {@code
 * DiskRules}. Depends on {@code contract}.
 */
package dev.plinth.dispatcher.disks;
