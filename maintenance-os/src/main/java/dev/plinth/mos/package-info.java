/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The maintenance OS image: {@link dev.plinth.mos.MaintenanceIso} writes the bootable hybrid ISO
 * from the tree {@code maintenance-os/build.sh} prepares, and remasters it with extra kernel
 * arguments for BMCs with a single virtual media slot. Uses the JDK and {@code dev.plinth.iso}
 * only. See {@code docs/maintenance-os.md}.
 */
package dev.plinth.mos;
