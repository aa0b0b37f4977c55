/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A link to another resource: {@code {"@odata.id": "/redfish/v1/..."}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ODataId(@JsonProperty("@odata.id") String id) {

  /** The link, or null when {@code link} or its id is absent. */
  public static String of(ODataId link) {
    return link == null ? null : link.id();
  }
}
