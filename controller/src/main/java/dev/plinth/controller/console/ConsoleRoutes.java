/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Serves the console's assets from the jar. Every answer carries a Content Security Policy that
 * allows only this origin's own script and style (no inline script, no eval, no CDN), refuses
 * framing (clickjacking), and sends no referrer, so the page cannot leak what it shows.
 */
public final class ConsoleRoutes {

  static final String ROOT = "/dev/plinth/controller/console/";

  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** The assets by the name they are served under; the page is served at {@code /} as well. */
  static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8",
          "console.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  private record Asset(byte[] body, String type, String etag) {}

  private ConsoleRoutes() {}

  public static Consumer<HttpRouting.Builder> routes() {
    Map<String, Asset> assets = load();
    return r -> {
      r.get("/", (req, res) -> send(req, res, assets.get("index.html")));
      r.get(
          "/console/{file}",
          (req, res) -> {
            Asset a = assets.get(req.path().pathParameters().get("file"));
            if (a == null) {
              // Not ours: the routing's problem+json 404 answers it.
              res.next();
              return;
            }
            send(req, res, a);
          });
    };
  }

  private static void send(ServerRequest req, ServerResponse res, Asset a) {
    res.header(HeaderNames.create("Content-Security-Policy"), CSP);
    res.header(HeaderNames.create("X-Frame-Options"), "DENY");
    res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    res.header(HeaderNames.create("Cross-Origin-Opener-Policy"), "same-origin");
    res.header(HeaderNames.create("Cross-Origin-Resource-Policy"), "same-origin");
    // Revalidated on every load (an ETag round trip): an upgraded binary shows its own page at
    // once.
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header(HeaderNames.ETAG, a.etag());
    if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.equals(a.etag())).orElse(false)) {
      res.status(Status.NOT_MODIFIED_304).send();
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, a.type());
    res.send(a.body());
  }

  private static Map<String, Asset> load() {
    Map<String, Asset> m = new java.util.HashMap<>();
    TYPES.forEach(
        (name, type) -> {
          byte[] body = read(name);
          m.put(name, new Asset(body, type, "\"" + sha256(body).substring(0, 20) + "\""));
        });
    return Map.copyOf(m);
  }

  private static byte[] read(String name) {
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(ROOT + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
