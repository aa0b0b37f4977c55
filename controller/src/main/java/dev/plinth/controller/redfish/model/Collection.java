/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A resource collection: its members are links. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Collection(
    @JsonProperty("@odata.id") String odataId, @JsonProperty("Members") List<ODataId> members) {

  public Collection {
    members = members == null ? List.of() : List.copyOf(members);
  }
}
