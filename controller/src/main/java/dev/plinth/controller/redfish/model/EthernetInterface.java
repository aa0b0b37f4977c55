/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** An EthernetInterface of a system: its MAC address, name, link and speed. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EthernetInterface(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("MACAddress") String macAddress,
    @JsonProperty("PermanentMACAddress") String permanentMacAddress,
    @JsonProperty("Name") String name,
    @JsonProperty("LinkStatus") String linkStatus,
    @JsonProperty("SpeedMbps") Integer speedMbps) {}
