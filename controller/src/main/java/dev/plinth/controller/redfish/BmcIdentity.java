/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

/**
 * What a BMC says it is, and which resources the client drives.
 *
 * @param vendor the quirk family chosen
 * @param manufacturer the system manufacturer
 * @param model the system model
 * @param managerModel the BMC model (e.g. {@code 14G Monolithic}, {@code iLO 5})
 * @param firmwareVersion the BMC firmware
 * @param redfishVersion the service root RedfishVersion
 * @param system the ComputerSystem link
 * @param manager the first Manager of that system, or null
 */
public record BmcIdentity(
    Vendor vendor,
    String manufacturer,
    String model,
    String managerModel,
    String firmwareVersion,
    String redfishVersion,
    String system,
    String manager) {}
