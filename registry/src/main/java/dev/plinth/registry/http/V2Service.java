/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.auth.AuthException;
import dev.plinth.registry.auth.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Consumer;

/**
 * The {@code /v2} API: parses the route, authenticates, dispatches to the endpoint classes, and
 * maps every failure through {@link Errors}. Validation (auth, names, digests, ranges, existence)
 * happens before the first response byte.
 */
public final class V2Service implements Handler {

  private final Backend b;
  private final BlobEndpoints blobs;
  private final UploadEndpoints uploads;
  private final ManifestEndpoints manifests;
  private final ListEndpoints lists;
  private final TokenEndpoint token;

  public V2Service(Backend backend) {
    this.b = backend;
    this.blobs = new BlobEndpoints(backend);
    this.uploads = new UploadEndpoints(backend);
    this.manifests = new ManifestEndpoints(backend);
    this.lists = new ListEndpoints(backend);
    this.token = new TokenEndpoint(backend);
  }

  /** Mounts {@code /v2} (and its token endpoint {@code /v2/token}) on a routing. */
  public Consumer<HttpRouting.Builder> routes() {
    return r -> r.any("/v2", this).any("/v2/*", this);
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    Exchange x = new Exchange(req, res);
    res.header(Exchange.API_VERSION, "registry/2.0");
    try {
      String path = req.path().path();
      Route route = Route.parse(path.substring(Math.min(3, path.length())));
      if (route instanceof Route.Token) {
        token.handle(x);
        return;
      }
      Principal p = b.auth().identify(x.header(HeaderNames.AUTHORIZATION));
      dispatch(x, route, p);
    } catch (RegistryException e) {
      if (!res.isSent()) {
        Errors.write(req, res, e, realm(x), b.settings().service());
      }
    } catch (java.io.IOException | RuntimeException e) {
      Errors.internal(req, res, e);
    }
  }

  private String realm(Exchange x) {
    return x.origin() + "/v2/token";
  }

  private void dispatch(Exchange x, Route route, Principal p) throws java.io.IOException {
    String m = x.method().text();
    switch (route) {
      case Route.Base base -> {
        if (p.anonymous()) {
          throw new AuthException(null, false);
        }
        x.send(200, "application/json", "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      case Route.Catalog c -> only(m, "GET").then(() -> lists.catalog(x, p));
      case Route.Tags t -> only(m, "GET").then(() -> lists.tags(x, p, t));
      case Route.Referrers r -> only(m, "GET").then(() -> lists.referrers(x, p, r));
      case Route.Blob bl -> {
        switch (m) {
          case "GET", "HEAD" -> blobs.get(x, p, bl);
          case "DELETE" -> blobs.delete(x, p, bl);
          default -> throw unsupported();
        }
      }
      case Route.UploadStart u -> only(m, "POST").then(() -> uploads.start(x, p, u));
      case Route.Upload u -> uploads.session(x, p, u, m);
      case Route.Manifest mf -> {
        switch (m) {
          case "GET", "HEAD" -> manifests.get(x, p, mf);
          case "PUT" -> manifests.put(x, p, mf);
          case "DELETE" -> manifests.delete(x, p, mf);
          default -> throw unsupported();
        }
      }
      case Route.Token t -> token.handle(x);
      case Route.Unknown u ->
          throw new RegistryException(ErrorCode.NAME_UNKNOWN, "no such endpoint");
    }
  }

  static RegistryException unsupported() {
    return new RegistryException(ErrorCode.UNSUPPORTED);
  }

  /** A body that may throw I/O errors. */
  @FunctionalInterface
  interface IoAction {
    void run() throws java.io.IOException;
  }

  /** Guards an endpoint to a set of methods. */
  record Only(boolean ok) {
    void then(IoAction a) throws java.io.IOException {
      if (!ok) {
        throw unsupported();
      }
      a.run();
    }
  }

  private static Only only(String method, String... allowed) {
    for (String a : allowed) {
      if (a.equals(method)) {
        return new Only(true);
      }
    }
    return new Only(false);
  }
}
