/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The CLI's client of API v1: bearer token, JSON bodies, and problem+json errors turned into one
 * clear line ({@link UserException}).
 */
final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ApiClient(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  String base() {
    return base;
  }

  /** The API token: also the password of the controller's registry ({@code /v2}). */
  String token() {
    return token;
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  JsonNode get(String path) {
    return send("GET", path, null, null);
  }

  JsonNode post(String path, Object body) {
    return send("POST", path, body, null);
  }

  JsonNode send(String method, String path, Object body, String ifMatch) {
    return send(method, path, body, ifMatch, Duration.ofSeconds(120));
  }

  /** A call that may take long on the server (registry fsck hashes every blob). */
  JsonNode send(String method, String path, Object body, String ifMatch, Duration timeout) {
    HttpRequest.Builder b = request(path).timeout(timeout);
    try {
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (ifMatch != null) {
        b.header("If-Match", ifMatch);
      }
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode n = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
      if (r.statusCode() >= 400) {
        throw new Refused(r.statusCode(), problem(r.statusCode(), n));
      }
      return n;
    } catch (ConnectException e) {
      throw new UserException(
          "cannot reach the controller at " + base + " (is plinth serve running? set PLINTH_URL)",
          e);
    } catch (IOException e) {
      throw new UserException("request to " + base + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted", e);
    }
  }

  /** An answer of the controller's registry ({@code /v2}): status, body, Docker-Content-Digest. */
  record RegistryAnswer(int status, JsonNode body, String digest) {}

  /**
   * A {@code GET} (or {@code HEAD}) of the embedded registry's {@code /v2} API, which takes the API
   * token as a Basic password; an error status is a {@link UserException} with the registry's
   * message.
   */
  RegistryAnswer registry(String method, String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(120))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header(
                "Accept",
                "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json,"
                    + " application/vnd.docker.distribution.manifest.v2+json,"
                    + " application/vnd.docker.distribution.manifest.list.v2+json, */*");
    if (token != null) {
      b.header(
          "Authorization",
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(("plinth:" + token).getBytes(StandardCharsets.UTF_8)));
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode n = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
      if (r.statusCode() >= 400) {
        String msg = n.path("errors").path(0).path("message").asText("HTTP " + r.statusCode());
        throw new Refused(
            r.statusCode(),
            "the registry at "
                + base
                + " refused "
                + path
                + ": "
                + msg
                + (r.statusCode() == 401 ? " (run plinth login, or set PLINTH_TOKEN)" : ""));
      }
      return new RegistryAnswer(
          r.statusCode(), n, r.headers().firstValue("Docker-Content-Digest").orElse(null));
    } catch (ConnectException e) {
      throw new UserException(
          "cannot reach the controller at " + base + " (is plinth serve running? set PLINTH_URL)",
          e);
    } catch (IOException e) {
      throw new UserException("request to " + base + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted", e);
    }
  }

  /**
   * Reads a server-sent-event stream, giving each event's data to {@code onData}, until it ends.
   */
  void stream(String path, Consumer<JsonNode> onData) {
    HttpRequest req = request(path).header("Accept", "text/event-stream").GET().build();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() >= 400) {
        try (InputStream in = r.body()) {
          throw new UserException(problem(r.statusCode(), JSON.readTree(in.readAllBytes())));
        }
      }
      try (BufferedReader rd =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = rd.readLine()) != null) {
          if (line.startsWith("data:")) {
            onData.accept(JSON.readTree(line.substring(5).strip()));
          }
        }
      }
    } catch (ConnectException e) {
      throw new UserException("cannot reach the controller at " + base, e);
    } catch (IOException e) {
      throw new UserException("event stream from " + base + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted", e);
    }
  }

  /** The controller answered a request with an error status. */
  static final class Refused extends UserException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** " (line L, column C)" of a located error, or nothing when it has no line. */
  private static String where(JsonNode e) {
    int line = e.path("line").asInt(0);
    int column = e.path("column").asInt(0);
    if (line <= 0) {
      return "";
    }
    return " (line " + line + (column > 0 ? ", column " + column : "") + ")";
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /**
   * A problem+json answer as the user reads it: the detail, then each located error once, with its
   * line and column. A detail that ends with the first error (as the recipe checks say it) is cut
   * there, since the list shows that error.
   */
  static String problem(int status, JsonNode n) {
    String detail = n.path("detail").asText("");
    JsonNode errors = n.path("errors");
    if (errors.size() > 0) {
      JsonNode first = errors.get(0);
      String suffix = first.path("pointer").asText() + " " + first.path("detail").asText();
      if (detail.endsWith(": " + suffix)) {
        detail = detail.substring(0, detail.length() - suffix.length() - 2);
      }
    }
    StringBuilder s = new StringBuilder(detail.isEmpty() ? "HTTP " + status : detail);
    for (JsonNode e : errors) {
      s.append("\n  ").append(e.path("pointer").asText()).append(where(e)).append(": ");
      s.append(e.path("detail").asText());
    }
    if (status == 401) {
      s.append(" (run plinth login, or set PLINTH_TOKEN)");
    }
    return s.toString();
  }
}
