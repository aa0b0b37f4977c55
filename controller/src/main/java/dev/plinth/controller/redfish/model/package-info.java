/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Redfish wire models: Jackson records for the DMTF resources Plinth reads (ServiceRoot,
 * ComputerSystem, Manager, VirtualMedia, SessionService, Session, Task, Chassis, EventService,
 * UpdateService, error bodies). They ignore unknown properties and OEM blocks, so any vendor's
 * resource parses; links are kept as {@code @odata.id} strings for navigation.
 */
package dev.plinth.controller.redfish.model;
