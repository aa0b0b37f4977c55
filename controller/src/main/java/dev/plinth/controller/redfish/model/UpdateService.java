/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The UpdateService: firmware inventory links. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpdateService(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("ServiceEnabled") Boolean serviceEnabled,
    @JsonProperty("FirmwareInventory") ODataId firmwareInventory,
    @JsonProperty("HttpPushUri") String httpPushUri) {}
