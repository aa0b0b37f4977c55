/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A Storage subsystem (the model that replaced SimpleStorage): links to its drives. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Storage(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("Drives") List<ODataId> drives) {

  public Storage {
    drives = drives == null ? List.of() : List.copyOf(drives);
  }
}
