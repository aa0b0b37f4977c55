/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The SessionService. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionService(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("ServiceEnabled") Boolean serviceEnabled,
    @JsonProperty("SessionTimeout") Integer sessionTimeout,
    @JsonProperty("Sessions") ODataId sessions) {}
