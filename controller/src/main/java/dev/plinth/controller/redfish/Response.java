/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.redfish.model.ErrorBody;
import dev.plinth.controller.redfish.model.Message;
import java.net.http.HttpHeaders;
import java.util.List;

/** One HTTP answer from a BMC, with the helpers every caller needs. */
record Response(String method, String path, int status, HttpHeaders headers, byte[] body) {

  boolean ok() {
    return status >= 200 && status < 300;
  }

  JsonNode json() {
    return Json.tree(body);
  }

  <T> T as(Class<T> type) {
    return Json.convert(json(), type);
  }

  String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  /** The ETag header, else {@code @odata.etag} of the body; null when neither is usable. */
  String etag() {
    String tag = header("ETag");
    if (tag == null || tag.isBlank()) {
      JsonNode n = json().path("@odata.etag");
      tag = n.isTextual() ? n.asText() : null;
    }
    return tag == null || tag.isBlank() || tag.equals("\"\"") ? null : tag;
  }

  /** The BMC's messages in an error (or success) body. */
  List<Message> messages() {
    try {
      ErrorBody e = as(ErrorBody.class);
      return e == null ? List.of() : e.messages();
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  boolean mentions(String needle) {
    return messages().stream().anyMatch(m -> m.mentions(needle));
  }

  String resource() {
    return method + " " + path;
  }

  /** This response if it is 2xx, else the matching exception. */
  Response orThrow(String bmc) {
    if (ok()) {
      return this;
    }
    throw error(bmc);
  }

  RedfishHttpException error(String bmc) {
    if (status == 401 || status == 403) {
      return new RedfishAuthException(bmc, resource(), status, messages());
    }
    return new RedfishHttpException(bmc, resource(), status, messages());
  }
}
