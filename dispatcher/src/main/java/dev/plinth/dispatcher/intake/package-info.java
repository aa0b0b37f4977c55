/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Task intake: finds the task ISO (kernel command line {@code plinth.task=URL}, the {@code
 * PLINTH-TASK} volume label via {@code /dev/disk/by-label} or {@code blkid}, or a path given on the
 * command line), reads it with the iso-builder reader (or a read-only mount), verifies it as Task
 * ISO v1 and checks that it is meant for this machine (DMI). Depends on {@code contract}, {@code
 * sys} and {@code dev.plinth.iso}.
 */
package dev.plinth.dispatcher.intake;
