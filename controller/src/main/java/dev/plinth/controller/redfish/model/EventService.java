/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The EventService: whether push events are available. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventService(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("ServiceEnabled") Boolean serviceEnabled,
    @JsonProperty("Subscriptions") ODataId subscriptions,
    @JsonProperty("EventTypesForSubscription") List<String> eventTypes) {}
