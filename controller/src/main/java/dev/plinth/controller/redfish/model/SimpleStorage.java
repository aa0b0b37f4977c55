/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A SimpleStorage controller and its devices (the disks where a BMC exposes them). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SimpleStorage(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("Devices") List<Device> devices) {

  public SimpleStorage {
    devices = devices == null ? List.of() : List.copyOf(devices);
  }

  /** One device. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Device(
      @JsonProperty("Name") String name,
      @JsonProperty("Manufacturer") String manufacturer,
      @JsonProperty("Model") String model,
      @JsonProperty("CapacityBytes") Long capacityBytes,
      @JsonProperty("Status") Status status) {}
}
