/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A Chassis: the enclosure, for inventory. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Chassis(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("ChassisType") String chassisType,
    @JsonProperty("Manufacturer") String manufacturer,
    @JsonProperty("Model") String model,
    @JsonProperty("SerialNumber") String serialNumber,
    @JsonProperty("PowerState") String powerState) {}
