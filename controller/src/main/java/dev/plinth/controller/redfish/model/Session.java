/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A Session, as returned by a login. The password is never read back. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Session(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("UserName") String userName) {}
