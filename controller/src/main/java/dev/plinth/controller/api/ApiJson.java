/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The API's one JSON mapper, and reading and writing bodies with it. */
public final class ApiJson {

  /** The mapper: unknown fields are errors, nulls are left out. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setDefaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Request bodies above this are refused: nothing in API v1 comes close. */
  static final int MAX_BODY = 4 << 20;

  private ApiJson() {}

  static <T> T read(ServerRequest req, Class<T> type) {
    byte[] body = body(req);
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new ApiException(
          ProblemType.INVALID, "unknown field '" + e.getPropertyName() + "' in the request body");
    } catch (IOException e) {
      throw new ApiException(
          ProblemType.BAD_REQUEST, "the request body is not valid JSON for this resource");
    }
  }

  static byte[] body(ServerRequest req) {
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new ApiException(ProblemType.BAD_REQUEST, "request body over " + MAX_BODY + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw new ApiException(ProblemType.BAD_REQUEST, "cannot read the request body");
    }
  }

  /** Parses a recipe given as JSON or YAML text. */
  static JsonNode recipe(String text) {
    try {
      return YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ApiException(
          ProblemType.INVALID,
          "the recipe is not valid YAML or JSON (line "
              + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
              + ")");
    }
  }

  static void send(ServerResponse res, Status status, Object body) {
    try {
      byte[] b = MAPPER.writeValueAsBytes(body);
      res.status(status);
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(b);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void send(ServerResponse res, Object body) {
    send(res, Status.OK_200, body);
  }

  static JsonNode tree(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readTree(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return MAPPER.getNodeFactory().textNode(json);
    }
  }
}
