/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * A stateful Redfish BMC simulator: one HTTP(S) server hosting many BMCs (each on its own loopback
 * address), built on the DMTF public mockups, keeping power state, boot override, virtual media,
 * sessions and tasks, answering like a vendor ({@link dev.plinth.simulator.bmc.Flavour}) and
 * injecting faults ({@link dev.plinth.simulator.bmc.Faults}). Used by tests, {@code plinth demo},
 * benchmarks and {@code plinth bmc simulate}.
 *
 * <p>Depends on the JDK and Jackson only; it knows nothing of the Redfish client.
 */
package dev.plinth.simulator.bmc;
