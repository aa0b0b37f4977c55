/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code /redfish/v1/}: the entry point every other link is discovered from. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServiceRoot(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("RedfishVersion") String redfishVersion,
    @JsonProperty("UUID") String uuid,
    @JsonProperty("Vendor") String vendor,
    @JsonProperty("Product") String product,
    @JsonProperty("Systems") ODataId systems,
    @JsonProperty("Managers") ODataId managers,
    @JsonProperty("Chassis") ODataId chassis,
    @JsonProperty("SessionService") ODataId sessionService,
    @JsonProperty("Tasks") ODataId tasks,
    @JsonProperty("EventService") ODataId eventService,
    @JsonProperty("UpdateService") ODataId updateService,
    @JsonProperty("Links") RootLinks links,
    @JsonProperty("Oem") JsonNode oem) {

  /** {@code Links} of the service root. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RootLinks(@JsonProperty("Sessions") ODataId sessions) {}

  /** The sessions collection link, or null when the root does not name one. */
  public String sessionsLink() {
    return links == null ? null : ODataId.of(links.sessions());
  }
}
