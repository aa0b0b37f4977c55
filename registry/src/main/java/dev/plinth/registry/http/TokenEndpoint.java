/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.auth.AuthException;
import dev.plinth.registry.auth.Principal;
import dev.plinth.registry.auth.Scope;
import dev.plinth.registry.storage.Json;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The token endpoint of the Docker/OCI token flow: {@code GET /v2/token?service=&scope=...} with
 * Basic credentials (or none, for anonymous pulls), and the OAuth2 password grant by {@code POST}.
 */
final class TokenEndpoint {

  private final Backend b;

  TokenEndpoint(Backend b) {
    this.b = b;
  }

  void handle(Exchange x) throws IOException {
    Principal p;
    List<String> scopeTexts = new ArrayList<>();
    switch (x.method().text()) {
      case "GET" -> {
        p = b.auth().identify(x.header(HeaderNames.AUTHORIZATION));
        if (p.token() != null) {
          throw new AuthException(null, false);
        }
        scopeTexts.addAll(x.req.query().all("scope", List::of));
      }
      case "POST" -> {
        Map<String, String> form =
            form(new String(x.body().readNBytes(64 << 10), StandardCharsets.UTF_8));
        if (!"password".equals(form.get("grant_type"))) {
          throw new RegistryException(
              ErrorCode.UNSUPPORTED, "only the password grant is supported");
        }
        String basic =
            java.util.Base64.getEncoder()
                .encodeToString(
                    (form.getOrDefault("username", "") + ":" + form.getOrDefault("password", ""))
                        .getBytes(StandardCharsets.UTF_8));
        p = b.auth().basic(basic).orElseThrow(() -> new AuthException(null, false));
        if (form.containsKey("scope")) {
          scopeTexts.add(form.get("scope"));
        }
      }
      default -> throw V2Service.unsupported();
    }
    List<Scope> requested = new ArrayList<>();
    for (String st : scopeTexts) {
      for (String one : st.split(" ")) {
        if (!one.isBlank()) {
          try {
            requested.add(Scope.parse(one));
          } catch (IllegalArgumentException e) {
            // ignored, as other registries do
          }
        }
      }
    }
    List<Scope> granted = b.auth().grant(p, requested);
    Instant now = Instant.now();
    String token = b.auth().signer().issue(p.subject(), granted, now);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("access_token", token);
    body.put("expires_in", b.auth().signer().ttl().toSeconds());
    body.put("issued_at", now.toString());
    x.header(HeaderNames.CACHE_CONTROL, "no-store");
    x.send(200, "application/json", Json.MAPPER.writeValueAsBytes(body));
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String kv : body.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
