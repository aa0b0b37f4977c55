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
import dev.plinth.controller.security.SignInLinks;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.controller.store.ApiToken;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.time.Instant;

/** {@code /api/v1/tokens} (admin only) and {@code /api/v1/whoami}. */
final class TokensApi implements HttpService {

  private final ApiContext ctx;
  private final SignInLinks links;

  TokensApi(ApiContext ctx, SignInLinks links) {
    this.ctx = ctx;
    this.links = links;
  }

  /** POST /sign-in-links: who the link signs in as; the token it makes lives 12 h by default. */
  record SignInLinkIn(String name, String role, Long tokenLifetimeSeconds) {}

  /** The link: {@code path} is relative to the controller's address (code in the fragment). */
  record SignInLinkOut(String path, String expiresAt) {}

  record SignInIn(String code) {}

  record SignInOut(String token, String name, String role, String expiresAt) {}

  @Override
  public void routing(HttpRules r) {
    var auth = ctx.auth();
    r.get("/tokens", Endpoint.guarded(auth, Role.ADMIN, this::list));
    r.post("/tokens", Endpoint.guarded(auth, Role.ADMIN, this::create));
    r.delete("/tokens/{id}", Endpoint.guarded(auth, Role.ADMIN, this::delete));
    r.post("/sign-in-links", Endpoint.guarded(auth, Role.ADMIN, this::link));
    // The one call without a token: the code is the credential, good once.
    r.post(
        "/sign-in",
        (req, res) -> {
          try {
            signIn(req, res);
          } catch (Exception e) {
            Endpoint.problem(req, res, e);
          }
        });
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

  private void link(Call c) {
    SignInLinkIn in = ApiJson.read(c.req(), SignInLinkIn.class);
    Role role;
    try {
      role = Role.parse(in.role() == null ? "" : in.role());
    } catch (IllegalArgumentException e) {
      throw MachinesApi.invalid("/role", "must be admin, operator or viewer");
    }
    long life = in.tokenLifetimeSeconds() == null ? 12 * 3600 : in.tokenLifetimeSeconds();
    if (life <= 0) {
      throw MachinesApi.invalid("/tokenLifetimeSeconds", "must be positive");
    }
    String name =
        in.name() == null || in.name().isBlank()
            ? "sign-in link from " + c.principal().name()
            : in.name();
    String code;
    try {
      code = links.issue(new SignInLinks.Grant(name, role, Duration.ofSeconds(life)));
    } catch (IllegalStateException e) {
      throw new ApiException(ProblemType.CONFLICT, e.getMessage());
    }
    ApiJson.send(
        c.res(),
        Status.CREATED_201,
        new SignInLinkOut(
            "/#/sign-in/" + code, ctx.clock().instant().plus(SignInLinks.TTL).toString()));
  }

  private void signIn(ServerRequest req, ServerResponse res) {
    SignInIn in = ApiJson.read(req, SignInIn.class);
    SignInLinks.Grant g =
        links
            .redeem(in.code())
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemType.UNAUTHORIZED,
                        "this sign-in link is unknown, used or expired: ask for a new one"));
    Instant now = ctx.clock().instant();
    Instant expires = now.plus(g.tokenLifetime());
    String secret = Ids.secret("plinth_");
    ctx.tokens()
        .create(
            new ApiToken(
                Ids.timeOrdered("t", now),
                g.name(),
                g.role().wire(),
                TokenHash.of(secret),
                now,
                expires));
    ApiJson.send(
        res,
        Status.CREATED_201,
        new SignInOut(secret, g.name(), g.role().wire(), expires.toString()));
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
