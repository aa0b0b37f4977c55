/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redfish error response: {@code {"error": {"code", "message", "@Message.ExtendedInfo"}}}. Some
 * BMCs put {@code @Message.ExtendedInfo} at the top level of a 2xx or 4xx body instead.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorBody(
    @JsonProperty("error") Error error,
    @JsonProperty("@Message.ExtendedInfo") List<Message> topLevelInfo) {

  /** The {@code error} object. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Error(
      @JsonProperty("code") String code,
      @JsonProperty("message") String message,
      @JsonProperty("@Message.ExtendedInfo") List<Message> extendedInfo) {}

  /** Every message, the error code first when it is not repeated in the extended info. */
  public List<Message> messages() {
    List<Message> all = new ArrayList<>();
    if (error != null && error.extendedInfo() != null) {
      all.addAll(error.extendedInfo());
    }
    if (topLevelInfo != null) {
      all.addAll(topLevelInfo);
    }
    if (all.isEmpty() && error != null && (error.code() != null || error.message() != null)) {
      all.add(new Message(error.code(), error.message(), null, null, null, null));
    }
    return List.copyOf(all);
  }
}
