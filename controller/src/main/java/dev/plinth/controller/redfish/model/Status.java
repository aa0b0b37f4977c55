/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A resource's {@code Status}: {@code State} (Enabled, Absent...) and {@code Health}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Status(@JsonProperty("State") String state, @JsonProperty("Health") String health) {

  /** Whether the resource is not there (an empty bay): {@code State} Absent. */
  public static boolean absent(Status s) {
    return s != null && "Absent".equals(s.state());
  }
}
