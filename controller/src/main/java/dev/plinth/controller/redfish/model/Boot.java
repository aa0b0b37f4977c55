/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The {@code Boot} object of a ComputerSystem: the boot source override and what it allows. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Boot(
    @JsonProperty("BootSourceOverrideTarget") String target,
    @JsonProperty("BootSourceOverrideTarget@Redfish.AllowableValues") List<String> allowedTargets,
    @JsonProperty("BootSourceOverrideEnabled") String enabled,
    @JsonProperty("BootSourceOverrideEnabled@Redfish.AllowableValues") List<String> allowedEnabled,
    @JsonProperty("BootSourceOverrideMode") String mode,
    @JsonProperty("BootSourceOverrideMode@Redfish.AllowableValues") List<String> allowedModes) {}
