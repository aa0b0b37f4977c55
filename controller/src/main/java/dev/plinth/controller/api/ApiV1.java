/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.BuildInfo;
import dev.plinth.controller.security.Role;
import dev.plinth.controller.security.SignInLinks;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Consumer;

/** Mounts API v1 under {@code /api/v1} and its OpenAPI document at {@code /openapi}. */
public final class ApiV1 {

  /** Where the OpenAPI document lives on the classpath (and in the repository). */
  public static final String OPENAPI = "/dev/plinth/controller/api/openapi.yaml";

  private ApiV1() {}

  public static Consumer<HttpRouting.Builder> routes(ApiContext ctx) {
    byte[] openapi = openapi();
    return r -> {
      r.register(
          "/api/v1",
          new MachinesApi(ctx),
          new MachineLifecycleApi(ctx),
          new JobLogsApi(ctx),
          new JobsApi(ctx),
          new TokensApi(ctx, new SignInLinks(ctx.clock())));
      r.get(
          "/api/v1/version",
          Endpoint.guarded(
              ctx.auth(),
              Role.VIEWER,
              c -> {
                BuildInfo b = BuildInfo.current();
                ApiJson.send(
                    c.res(),
                    Map.of(
                        "version", b.version(),
                        "commit", b.shortCommit(),
                        "buildTime", b.buildTime(),
                        "apiVersion", "v1"));
              }));
      // The API's description is public: it holds no data, and clients fetch it before login.
      r.get(
          "/openapi",
          (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(openapi);
          });
    };
  }

  static byte[] openapi() {
    try (InputStream in = ApiV1.class.getResourceAsStream(OPENAPI)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
