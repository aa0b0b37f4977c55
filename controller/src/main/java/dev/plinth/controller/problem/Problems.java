/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes every error body of the API, media and webhooks, and registers the handlers that send
 * Helidon's own errors the same way: on the routing ({@link #register}: an unrouted path's 404, a
 * 405, an uncaught exception's 500 with only a log id) and on the listener ({@link
 * #directHandlers}: what Helidon answers before routing, such as a malformed request).
 *
 * <p>Paths under {@code /v2} are the registry's: it answers its own errors in the distribution
 * spec's JSON, and what reaches these handlers there gets that shape too.
 */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";

  private static final System.Logger LOG = System.getLogger(Problems.class.getName());
  // Writes the few shapes below (strings, numbers, lists of string maps); nothing is read with it.
  private static final ObjectMapper WRITER = new ObjectMapper();

  private Problems() {}

  /** Sends {@code p} (headers only for HEAD), unless the response has already started. */
  public static void send(ServerRequest req, ServerResponse res, Problem p) {
    if (res.isSent()) {
      LOG.log(Level.WARNING, "error after the response started: " + p.detail());
      return;
    }
    String path = req.path().path();
    byte[] body = registry(path) ? oci(p) : json(p, req.requestedUri().path().rawPath());
    res.status(Status.create(p.status()));
    res.header(HeaderNames.CONTENT_TYPE, registry(path) ? "application/json" : CONTENT_TYPE);
    if (req.prologue().method() == Method.HEAD) {
      res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
      res.send();
    } else {
      res.send(body);
    }
  }

  /** The problem's JSON: type, title, status, detail, instance, then the extensions. */
  public static byte[] json(Problem p, String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", p.type());
    body.put("title", p.title());
    body.put("status", p.status());
    if (p.detail() != null) {
      body.put("detail", p.detail());
    }
    if (instance != null) {
      body.put("instance", instance);
    }
    body.putAll(p.extensions());
    try {
      return WRITER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unexpected failure: logged with an id, answered 500 with only that id. */
  public static Problem internal(Throwable t, String what) {
    String id = UUID.randomUUID().toString();
    LOG.log(Level.ERROR, "internal error " + id + " (" + what + ")", t);
    return Problem.of("internal", "Internal error", 500, "internal error; the log has id " + id);
  }

  /**
   * Registers the routing's error handlers: Helidon's {@link HttpException}s (an unrouted path is a
   * {@code NotFoundException}) keep their status; anything else is a 500 with a log id.
   */
  public static void register(HttpRouting.Builder r) {
    r.error(
        HttpException.class,
        (req, res, e) -> {
          Status s = e.status();
          if (s.code() >= 500) {
            send(req, res, internal(e, describe(req)));
            return;
          }
          e.headers().forEach(res::header);
          send(req, res, forStatus(s, s.code() == 404 ? "no such resource" : null));
        });
    r.error(Throwable.class, (req, res, e) -> send(req, res, internal(e, describe(req))));
  }

  /** The listener's handlers for what Helidon answers before routing, all as problems. */
  public static DirectHandlers directHandlers() {
    DirectHandlers.Builder b = DirectHandlers.builder();
    for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
      b.addHandler(t, Problems::direct);
    }
    return b.build();
  }

  private static DirectHandler.TransportResponse direct(
      DirectHandler.TransportRequest req,
      DirectHandler.EventType type,
      Status status,
      io.helidon.http.ServerResponseHeaders headers,
      String message) {
    // Helidon passes a message it judged safe to show, else a generic one; a 5xx shows none.
    String detail = status.code() >= 500 ? null : message;
    Problem p = forStatus(status, detail);
    String path = req.path();
    byte[] body = registry(path) ? oci(p) : json(p, path.isEmpty() ? null : path);
    headers.set(HeaderNames.CONTENT_TYPE, registry(path) ? "application/json" : CONTENT_TYPE);
    return DirectHandler.TransportResponse.builder()
        .status(status)
        .headers(headers)
        .entity(body)
        .build();
  }

  private static Problem forStatus(Status s, String detail) {
    return switch (s.code()) {
      case 400 -> Problem.of("bad-request", "Bad request", 400, detail);
      case 401 -> Problem.of("unauthorized", "Authentication required", 401, detail);
      case 404 -> Problem.of("not-found", "Not found", 404, detail);
      case 500 -> Problem.of("internal", "Internal error", 500, detail);
      default -> Problem.ofStatus(s.code(), s.reasonPhrase(), detail);
    };
  }

  private static String describe(ServerRequest req) {
    return req.prologue().method().text() + " " + req.path().path();
  }

  private static boolean registry(String path) {
    return path.equals("/v2") || path.startsWith("/v2/");
  }

  /** The distribution spec's error body, for what reaches these handlers under {@code /v2}. */
  private static byte[] oci(Problem p) {
    String code =
        switch (p.status()) {
          case 401 -> "UNAUTHORIZED";
          case 403 -> "DENIED";
          case 405 -> "UNSUPPORTED";
          default -> "UNKNOWN";
        };
    String message = p.detail() == null ? p.title() : p.detail();
    return ("{\"errors\":[{\"code\":\""
            + code
            + "\",\"message\":"
            + quote(message)
            + ",\"detail\":{}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    try {
      return WRITER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
