/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * A simulated BMC that drives a real QEMU VM over QMP ({@link
 * dev.plinth.simulator.bmc.qemu.QemuMachine}), for {@code plinth bmc simulate --qemu}, {@code
 * plinth demo --qemu} and end-to-end tests: one QEMU process per BMC for its whole life, two
 * removable CD drives for the VirtualMedia slots, a qcow2 disk, user-mode networking and the serial
 * console in a log file. A development and test tool, not used by the controller in production.
 *
 * <p>Depends on the JDK, Jackson and {@link dev.plinth.simulator.bmc} only.
 */
package dev.plinth.simulator.bmc.qemu;
