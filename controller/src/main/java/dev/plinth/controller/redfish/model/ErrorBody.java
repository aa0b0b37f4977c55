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

  /**
   * Every message. The {@code error} object's own code and message come first when the extended
   * info is empty, or when some entry carries no text of its own: then {@code error.message} is the
   * only place the BMC's words are, and an entry that repeats the code with no text is dropped.
   * When every entry has its text, {@code error.message} is the generic "see ExtendedInfo" and is
   * left out.
   */
  public List<Message> messages() {
    List<Message> all = new ArrayList<>();
    if (error != null && error.extendedInfo() != null) {
      all.addAll(error.extendedInfo());
    }
    if (topLevelInfo != null) {
      all.addAll(topLevelInfo);
    }
    if (error == null || (error.code() == null && error.message() == null)) {
      return List.copyOf(all);
    }
    if (all.isEmpty()) {
      all.add(new Message(error.code(), error.message(), null, null, null, null));
    } else if (hasText(error.message()) && all.stream().anyMatch(m -> !hasText(m.message()))) {
      // QUIRK(sushy-tools emulator, others): ExtendedInfo entries carry only a MessageId, and
      // the words ("Cannot download virtual media: ...") are in error.message alone.
      all.removeIf(
          m -> !hasText(m.message()) && java.util.Objects.equals(m.messageId(), error.code()));
      all.add(0, new Message(error.code(), error.message(), null, null, null, null));
    }
    return List.copyOf(all);
  }

  private static boolean hasText(String s) {
    return s != null && !s.isBlank();
  }
}
