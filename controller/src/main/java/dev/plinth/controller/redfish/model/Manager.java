/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A Manager: the BMC itself. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manager(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("ManagerType") String managerType,
    @JsonProperty("Model") String model,
    @JsonProperty("FirmwareVersion") String firmwareVersion,
    @JsonProperty("VirtualMedia") ODataId virtualMedia) {}
