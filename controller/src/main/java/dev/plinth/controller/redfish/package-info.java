/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The Redfish client: talks to one BMC per {@link dev.plinth.controller.redfish.RedfishClient},
 * discovers everything from the service root by {@code @odata.id}, handles vendor quirks, and runs
 * the virtual-media boot sequence ({@link dev.plinth.controller.redfish.VirtualMediaBoot}).
 *
 * <p>This package depends on the JDK, Jackson and its own {@code model} subpackage only, never on
 * the rest of the controller (an ArchUnit test enforces it). Errors are {@link
 * dev.plinth.controller.redfish.RedfishException}s naming the BMC, the resource and the HTTP
 * status; no message ever contains a password.
 */
package dev.plinth.controller.redfish;
