/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One {@code @Message.ExtendedInfo} entry (or a Task message). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Message(
    @JsonProperty("MessageId") String messageId,
    @JsonProperty("Message") String message,
    @JsonProperty("MessageArgs") List<String> messageArgs,
    @JsonProperty("Severity") String severity,
    @JsonProperty("Resolution") String resolution,
    @JsonProperty("RelatedProperties") List<String> relatedProperties) {

  public Message {
    messageArgs = messageArgs == null ? List.of() : List.copyOf(messageArgs);
    relatedProperties = relatedProperties == null ? List.of() : List.copyOf(relatedProperties);
  }

  /** Whether the id, text, arguments or related properties mention {@code needle}. */
  public boolean mentions(String needle) {
    return contains(messageId, needle)
        || contains(message, needle)
        || messageArgs.stream().anyMatch(a -> contains(a, needle))
        || relatedProperties.stream().anyMatch(a -> contains(a, needle));
  }

  private static boolean contains(String s, String needle) {
    return s != null && s.contains(needle);
  }

  /** {@code MessageId: Message}, for error text. */
  public String summary() {
    String id = messageId == null ? "" : messageId;
    String text = message == null ? "" : message;
    return id.isEmpty() ? text : text.isEmpty() ? id : id + ": " + text;
  }
}
