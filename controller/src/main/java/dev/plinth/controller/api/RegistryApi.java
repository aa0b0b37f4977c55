/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.api.Endpoint.Call;
import dev.plinth.controller.security.Role;
import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.Authorizer;
import dev.plinth.registry.api.CredentialChecker;
import dev.plinth.registry.api.Glob;
import dev.plinth.registry.gc.Maintenance;
import dev.plinth.registry.gc.Reports;
import dev.plinth.registry.gc.RetentionPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code /api/v1/registry/gc}, {@code /retain} and {@code /fsck} (role admin): the running
 * controller maintains its own registry's storage. GC is online (see {@link Maintenance}): it
 * deletes only blobs unreferenced for longer than the grace period, so the grace may not be shorter
 * than {@link #MIN_GRACE} here, where clients push while it runs.
 */
public final class RegistryApi {

  /**
   * The least grace period of an online GC: a client's blob uploads stay unreferenced until it
   * pushes their manifest, and a shorter grace could delete them in between. A stopped controller's
   * registry takes any grace ({@code plinth registry gc --data DIR}).
   */
  public static final Duration MIN_GRACE = Duration.ofMinutes(10);

  /** Upload sessions idle longer than this are removed by GC, as the scheduled GC does. */
  static final Duration UPLOAD_EXPIRY = Duration.ofDays(1);

  /** {@code POST /api/v1/registry/gc}. */
  record GcIn(Boolean dryRun, Long graceSeconds) {}

  /** {@code POST /api/v1/registry/retain}. */
  record RetainIn(
      String repositories,
      Integer keepLast,
      List<String> keep,
      Long untaggedOlderThanSeconds,
      Boolean dryRun) {}

  /** {@code POST /api/v1/registry/fsck}. */
  record FsckIn(Boolean repair) {}

  /** An fsck's answer: the report and whether it is clean. */
  record FsckOut(List<String> problems, int repaired, int blobsChecked, boolean clean) {}

  private final Supplier<Maintenance> registry;

  private RegistryApi(Supplier<Maintenance> registry) {
    this.registry = registry;
  }

  /**
   * The routes, for the registry whose maintenance {@code registry} gives (asked per call: {@code
   * serve} starts the registry while the API is being built).
   */
  public static <A extends CredentialChecker & Authorizer> Consumer<HttpRouting.Builder> routes(
      A access, Supplier<Maintenance> registry) {
    RegistryApi api = new RegistryApi(registry);
    return r -> {
      r.post("/api/v1/registry/gc", guarded(access, api::gc));
      r.post("/api/v1/registry/retain", guarded(access, api::retain));
      r.post("/api/v1/registry/fsck", guarded(access, api::fsck));
    };
  }

  /**
   * Like {@link Endpoint#guarded} with {@link Role#ADMIN}, but decided by the registry's own access
   * rules ({@code RegistryAccess}), which the registry's routes are bound to before the
   * controller's {@link dev.plinth.controller.security.Authenticator} exists: a bearer API token
   * that may delete from the registry (role admin) may maintain it; every error is the same
   * problem+json.
   */
  private static <A extends CredentialChecker & Authorizer> Handler guarded(
      A access, Endpoint.Action action) {
    return (req, res) -> {
      try {
        String h = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        String token = h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : "";
        String subject =
            (token.isEmpty() ? Optional.<String>empty() : access.authenticate("api", token))
                .orElseThrow(
                    () ->
                        new ApiException(
                            ProblemType.UNAUTHORIZED,
                            "send a valid API token: Authorization: Bearer TOKEN"));
        if (!access.allows(subject, null, Action.DELETE)) {
          throw new ApiException(
              ProblemType.FORBIDDEN,
              "registry maintenance needs the " + Role.ADMIN.wire() + " role");
        }
        action.handle(new Call(req, res, null));
      } catch (Exception e) {
        Endpoint.problem(req, res, e);
      }
    };
  }

  private void gc(Call c) throws IOException {
    GcIn in = body(c, GcIn.class, new GcIn(null, null));
    Duration grace =
        in.graceSeconds() == null ? Duration.ofHours(1) : Duration.ofSeconds(in.graceSeconds());
    if (grace.compareTo(MIN_GRACE) < 0) {
      throw new ApiException(
          ProblemType.INVALID,
          "the grace period must be at least "
              + MIN_GRACE.toSeconds()
              + " s (10m) while the controller serves: uploads stay unreferenced until their"
              + " manifest is pushed; for a shorter grace, stop the controller and run plinth"
              + " registry gc --data DIR");
    }
    Reports.Gc g = maintenance().gc(grace, UPLOAD_EXPIRY, Boolean.TRUE.equals(in.dryRun()));
    ApiJson.send(c.res(), g);
  }

  private void retain(Call c) {
    RetainIn in = body(c, RetainIn.class, new RetainIn(null, null, null, null, null));
    List<Glob> keep = new ArrayList<>();
    List<String> keepText =
        in.keep() == null ? List.of("v*", "stable", "candidate", "latest") : in.keep();
    keepText.forEach(k -> keep.add(new Glob(k)));
    if (in.untaggedOlderThanSeconds() != null && in.untaggedOlderThanSeconds() < 0) {
      throw MachinesApi.invalid("/untaggedOlderThanSeconds", "must not be negative");
    }
    RetentionPolicy p =
        new RetentionPolicy(
            new Glob(in.repositories() == null ? "**" : in.repositories()),
            in.keepLast() == null ? 10 : in.keepLast(),
            keep,
            in.untaggedOlderThanSeconds() == null
                ? null
                : Duration.ofSeconds(in.untaggedOlderThanSeconds()));
    ApiJson.send(c.res(), maintenance().retention(List.of(p), Boolean.TRUE.equals(in.dryRun())));
  }

  private void fsck(Call c) throws IOException {
    FsckIn in = body(c, FsckIn.class, new FsckIn(null));
    Reports.Fsck f = maintenance().fsck(Boolean.TRUE.equals(in.repair()));
    ApiJson.send(c.res(), new FsckOut(f.problems(), f.repaired(), f.blobsChecked(), f.clean()));
  }

  /** The embedded registry's maintenance, or a 409 when the controller uses an external one. */
  private Maintenance maintenance() {
    Maintenance m = registry.get();
    if (m == null) {
      throw new ApiException(
          ProblemType.CONFLICT,
          "this controller uses an external registry (registry.url): run its own garbage"
              + " collection and checks there");
    }
    return m;
  }

  /** The JSON body, or {@code empty} when there is none. */
  private static <T> T body(Call c, Class<T> type, T empty) {
    if (!c.req().content().hasEntity()) {
      return empty;
    }
    return ApiJson.read(c.req(), type);
  }
}
