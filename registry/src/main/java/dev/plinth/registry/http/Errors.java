/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.auth.AuthException;
import dev.plinth.registry.storage.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The one place that writes error responses: the spec's JSON body and, for 401, a challenge. */
final class Errors {
  private Errors() {}

  static final System.Logger LOG = System.getLogger(Errors.class.getName());

  static void write(
      ServerRequest req, ServerResponse res, RegistryException e, String realm, String service) {
    ErrorCode c = e.code();
    res.status(c.status());
    if (e instanceof AuthException || c == ErrorCode.UNAUTHORIZED) {
      StringBuilder ch =
          new StringBuilder("Bearer realm=\"")
              .append(realm)
              .append("\",service=\"")
              .append(service)
              .append('"');
      if (e instanceof AuthException a2 && a2.scope() != null) {
        ch.append(",scope=\"").append(a2.scope()).append('"');
        if (a2.insufficientScope()) {
          ch.append(",error=\"insufficient_scope\"");
        }
      }
      res.header(HeaderNames.WWW_AUTHENTICATE, ch.toString());
    }
    if (c == ErrorCode.UNSUPPORTED) {
      res.status(405);
    }
    byte[] body = body(c, e.getMessage());
    send(req, res, body);
  }

  static void internal(ServerRequest req, ServerResponse res, Throwable t) {
    LOG.log(
        System.Logger.Level.ERROR,
        "registry request failed: " + req.prologue().method().text() + " " + req.path().path(),
        t);
    if (res.isSent()) {
      return;
    }
    res.status(500);
    send(req, res, bodyOf("UNKNOWN", "internal error"));
  }

  private static void send(ServerRequest req, ServerResponse res, byte[] body) {
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    if (req.prologue().method().equals(Method.HEAD)) {
      res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
      res.send();
    } else {
      res.send(body);
    }
  }

  static byte[] body(ErrorCode c, String message) {
    return bodyOf(c.wireCode(), message == null ? c.message() : message);
  }

  private static byte[] bodyOf(String code, String message) {
    try {
      return Json.MAPPER.writeValueAsBytes(
          Map.of("errors", List.of(Map.of("code", code, "message", message, "detail", Map.of()))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
