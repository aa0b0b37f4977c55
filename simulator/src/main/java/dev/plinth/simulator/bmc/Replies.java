/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer of a simulated BMC, and the Redfish error bodies it uses. */
record Replies(int status, Map<String, String> headers, byte[] body, boolean close) {

  Replies(int status, Map<String, String> headers, byte[] body) {
    this(status, headers, body, false);
  }

  /**
   * The same answer, after which the connection is closed ({@link Faults#closeAfterAnswerRate}).
   */
  Replies closing() {
    return new Replies(status, headers, body, true);
  }

  /** Close the connection without answering. */
  static final Replies DROP = new Replies(-1, Map.of(), new byte[0]);

  static Replies empty(int status) {
    return new Replies(status, Map.of(), new byte[0]);
  }

  static Replies json(int status, JsonNode body, String... headerPairs) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json; charset=utf-8");
    h.put("OData-Version", "4.0");
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      if (headerPairs[i + 1] != null) {
        h.put(headerPairs[i], headerPairs[i + 1]);
      }
    }
    try {
      return new Replies(status, h, MockupTree.JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Replies raw(int status, byte[] body) {
    return new Replies(
        status,
        Map.of("Content-Type", "application/json; charset=utf-8", "OData-Version", "4.0"),
        body);
  }

  /** A Redfish error: {@code error.@Message.ExtendedInfo[0]} carries the id and arguments. */
  static Replies error(int status, String messageId, String message, String... args) {
    ObjectNode root = MockupTree.JSON.createObjectNode();
    ObjectNode err = root.putObject("error");
    err.put("code", messageId.contains("Base.") ? messageId : "Base.1.18.GeneralError");
    err.put("message", "A general error has occurred. See ExtendedInfo for more information.");
    ArrayNode info = err.putArray("@Message.ExtendedInfo");
    ObjectNode m = info.addObject();
    m.put("@odata.type", "#Message.v1_1_1.Message");
    m.put("MessageId", messageId);
    m.put("Message", message);
    ArrayNode a = m.putArray("MessageArgs");
    for (String s : args) {
      a.add(s);
    }
    m.put("Severity", "Warning");
    m.put("Resolution", "See the message.");
    return json(status, root);
  }

  Replies withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Replies(status, h, body, close);
  }
}
