/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A Drive, linked from a {@link Storage}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Drive(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("Name") String name,
    @JsonProperty("Manufacturer") String manufacturer,
    @JsonProperty("Model") String model,
    @JsonProperty("SerialNumber") String serialNumber,
    @JsonProperty("CapacityBytes") Long capacityBytes,
    @JsonProperty("MediaType") String mediaType,
    @JsonProperty("Protocol") String protocol,
    @JsonProperty("Status") Status status) {}
