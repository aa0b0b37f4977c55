/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/** Small helpers over one request and response. */
final class Exchange {

  static final HeaderName DOCKER_CONTENT_DIGEST = HeaderNames.create("Docker-Content-Digest");
  static final HeaderName DOCKER_UPLOAD_UUID = HeaderNames.create("Docker-Upload-UUID");
  static final HeaderName OCI_SUBJECT = HeaderNames.create("OCI-Subject");
  static final HeaderName OCI_FILTERS_APPLIED = HeaderNames.create("OCI-Filters-Applied");
  static final HeaderName API_VERSION = HeaderNames.create("Docker-Distribution-API-Version");
  static final HeaderName CHUNK_MIN = HeaderNames.create("OCI-Chunk-Min-Length");

  final ServerRequest req;
  final ServerResponse res;

  Exchange(ServerRequest req, ServerResponse res) {
    this.req = req;
    this.res = res;
  }

  boolean head() {
    return req.prologue().method().equals(Method.HEAD);
  }

  Method method() {
    return req.prologue().method();
  }

  Optional<String> header(HeaderName n) {
    return req.headers().first(n);
  }

  Optional<String> query(String name) {
    return req.query().first(name).asOptional();
  }

  OptionalLong contentLength() {
    return req.headers().contentLength();
  }

  /** The request body, or an empty stream when there is none. */
  InputStream body() {
    if (!req.content().hasEntity()) {
      return InputStream.nullInputStream();
    }
    return req.content().inputStream();
  }

  boolean hasBody() {
    return req.content().hasEntity() && contentLength().orElse(1) != 0;
  }

  Exchange header(HeaderName n, String v) {
    res.header(n, v);
    return this;
  }

  /** Sends a status with no body. */
  void status(int code) {
    res.status(code);
    res.header(HeaderNames.CONTENT_LENGTH, "0");
    res.send();
  }

  /** Sends bytes with a type (headers only for HEAD, with the length the GET would have). */
  void send(int code, String type, byte[] body) {
    res.status(code);
    res.header(HeaderNames.CONTENT_TYPE, type);
    if (head()) {
      res.header(HeaderNames.CONTENT_LENGTH, Long.toString(body.length));
      res.send();
    } else {
      res.send(body);
    }
  }

  /** scheme://authority of the request, as the client addressed us. */
  String origin() {
    String host = req.headers().first(HeaderNames.HOST).orElse(req.authority());
    String proto =
        req.headers()
            .first(HeaderNames.X_FORWARDED_PROTO)
            .orElse(req.isSecure() ? "https" : "http");
    return proto + "://" + host;
  }

  /** The host part of the Host header, without a port (IPv6 keeps its brackets). */
  String hostOnly() {
    String host = req.headers().first(HeaderNames.HOST).orElse(req.authority());
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0 ? host.substring(0, end + 1) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}
