/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.jobs.BmcDriver;
import dev.plinth.controller.jobs.MachineLifecycle;
import dev.plinth.controller.jobs.RegistryResolver;
import dev.plinth.controller.problem.Problem;
import dev.plinth.controller.problem.Problems;
import dev.plinth.controller.security.Authenticator;
import dev.plinth.controller.security.Principal;
import dev.plinth.controller.security.Role;
import dev.plinth.controller.store.ConflictException;
import dev.plinth.controller.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;

/**
 * Wraps every API handler: authenticates the bearer token, checks the role, and maps every error to
 * one {@code application/problem+json} body. Unknown errors are a 500 whose body carries only an id
 * to find the logged stack trace.
 */
final class Endpoint {

  private static final System.Logger LOG = System.getLogger(Endpoint.class.getName());

  /** One API call, after authentication. */
  record Call(ServerRequest req, ServerResponse res, Principal principal) {
    String param(String name) {
      return req.path().pathParameters().get(name);
    }
  }

  @FunctionalInterface
  interface Action {
    void handle(Call call) throws Exception;
  }

  private Endpoint() {}

  static Handler guarded(Authenticator auth, Role role, Action action) {
    return (req, res) -> {
      try {
        Principal p =
            auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))
                .orElseThrow(
                    () ->
                        new ApiException(
                            ProblemType.UNAUTHORIZED,
                            "send a valid API token: Authorization: Bearer TOKEN"));
        if (!p.role().includes(role)) {
          throw new ApiException(
              ProblemType.FORBIDDEN,
              "this needs the " + role.wire() + " role; the token has " + p.role().wire());
        }
        action.handle(new Call(req, res, p));
      } catch (Exception e) {
        problem(req, res, e);
      }
    };
  }

  /** Writes {@code e} as a problem, unless the response has already started. */
  static void problem(ServerRequest req, ServerResponse res, Exception e) {
    Problem p = classify(req, e);
    if (p.status() == ProblemType.UNAUTHORIZED.status().code() && !res.isSent()) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"plinth\"");
    }
    Problems.send(req, res, p);
  }

  private static Problem classify(ServerRequest req, Exception e) {
    return switch (e) {
      case ApiException a -> a.problem();
      case ConflictException c -> new ApiException(ProblemType.CONFLICT, c.getMessage()).problem();
      case RegistryResolver.RegistryException g ->
          new ApiException(ProblemType.REGISTRY_FAILED, g.getMessage()).problem();
      case MachineLifecycle.Refused r ->
          new ApiException(ProblemType.MACHINE_STATE, r.getMessage()).problem();
      case BmcDriver.BmcException b ->
          new ApiException(ProblemType.BMC_FAILED, b.getMessage()).problem();
      case StoreException s -> {
        LOG.log(Level.ERROR, "state database error", s);
        yield new ApiException(ProblemType.UNAVAILABLE, "the state database is unavailable")
            .problem();
      }
      default -> Problems.internal(e, req.prologue().method().text() + " " + req.path().path());
    };
  }

  /** Reads {@code limit} (1..500, default 50) from the query. */
  static int limit(ServerRequest req) {
    String v = req.query().first("limit").orElse("50");
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 500) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiException.bad("limit must be a number from 1 to 500");
  }
}
