/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A VirtualMedia slot. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMedia(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("@odata.etag") String odataEtag,
    @JsonProperty("Id") String id,
    @JsonProperty("Name") String name,
    @JsonProperty("MediaTypes") List<String> mediaTypes,
    @JsonProperty("Image") String image,
    @JsonProperty("ImageName") String imageName,
    @JsonProperty("Inserted") Boolean inserted,
    @JsonProperty("WriteProtected") Boolean writeProtected,
    @JsonProperty("ConnectedVia") String connectedVia,
    @JsonProperty("TransferProtocolType") String transferProtocolType,
    @JsonProperty("Actions") Actions actions) {

  public VirtualMedia {
    mediaTypes = mediaTypes == null ? List.of() : List.copyOf(mediaTypes);
  }

  /** {@code Actions}: insert and eject. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Actions(
      @JsonProperty("#VirtualMedia.InsertMedia") Target insert,
      @JsonProperty("#VirtualMedia.EjectMedia") Target eject) {}

  /** An action target. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Target(@JsonProperty("target") String target) {}

  /** The InsertMedia target, or null when the slot has no such action. */
  public String insertTarget() {
    return actions == null || actions.insert() == null ? null : actions.insert().target();
  }

  /** The EjectMedia target, or null when the slot has no such action. */
  public String ejectTarget() {
    return actions == null || actions.eject() == null ? null : actions.eject().target();
  }
}
