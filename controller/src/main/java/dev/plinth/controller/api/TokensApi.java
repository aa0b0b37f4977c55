/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.api.Endpoint.Call;
import dev.plinth.controller.api.Wire.TokenOut;
import dev.plinth.controller.jobs.Ids;
import dev.plinth.controller.security.Authenticator;
import dev.plinth.controller.security.Role;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.controller.store.ApiToken;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.time.Instant;

/** {@code /api/v1/tokens} (admin only) and {@code /api/v1/whoami}. */
final class TokensApi implements HttpService {

  private final ApiContext ctx;

  TokensApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules r) {
    var auth = ctx.auth();
    r.get("/tokens", Endpoint.guarded(auth, Role.ADMIN, this::list));
    r.post("/tokens", Endpoint.guarded(auth, Role.ADMIN, this::create));
    r.delete("/tokens/{id}", Endpoint.guarded(auth, Role.ADMIN, this::delete));
    r.get(
        "/whoami",
        Endpoint.guarded(
            auth,
            Role.VIEWER,
            c ->
                ApiJson.send(
                    c.res(),
                    java.util.Map.of(
                        "token", c.principal().tokenId(),
                        "name", c.principal().name(),
                        "role", c.principal().role().wire()))));
  }

  private void list(Call c) {
    ApiJson.send(
        c.res(), new Wire.PageOut<>(ctx.tokens().list().stream().map(TokenOut::of).toList(), null));
  }

  private void create(Call c) {
    Wire.TokenIn in = ApiJson.read(c.req(), Wire.TokenIn.class);
    if (in.name() == null || in.name().isBlank()) {
      throw MachinesApi.invalid("/name", "is required");
    }
    Role role;
    try {
      role = Role.parse(in.role() == null ? "" : in.role());
    } catch (IllegalArgumentException e) {
      throw MachinesApi.invalid("/role", "must be admin, operator or viewer");
    }
    Instant now = ctx.clock().instant();
    Instant expires = null;
    if (in.expiresInSeconds() != null) {
      if (in.expiresInSeconds() <= 0) {
        throw MachinesApi.invalid("/expiresInSeconds", "must be positive");
      }
      expires = now.plusSeconds(in.expiresInSeconds());
    }
    String secret = Ids.secret("plinth_");
    ApiToken t =
        ctx.tokens()
            .create(
                new ApiToken(
                    Ids.timeOrdered("t", now),
                    in.name(),
                    role.wire(),
                    TokenHash.of(secret),
                    now,
                    expires));
    ApiJson.send(c.res(), Status.CREATED_201, new Wire.TokenCreated(TokenOut.of(t), secret));
  }

  private void delete(Call c) {
    String id = c.param("id");
    if (Authenticator.BOOTSTRAP_ID.equals(id)) {
      throw new ApiException(
          ProblemType.CONFLICT,
          "the bootstrap admin token is revoked by deleting DATA/admin.token and restarting");
    }
    if (!ctx.tokens().delete(id)) {
      throw ApiException.notFound("token " + id);
    }
    c.res().status(Status.NO_CONTENT_204).send();
  }
}
