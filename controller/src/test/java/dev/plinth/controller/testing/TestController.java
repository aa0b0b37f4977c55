/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.Layout;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.app.RegistryMaintenanceRoutes;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.security.RegistryAccess;
import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.registry.Registry;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** A controller on a free loopback port with SQLite in a temp dir, and an HTTP client for it. */
public final class TestController implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();

  public final Controller controller;
  public final FakeBmc bmc;

  /** The embedded registry, when made by {@link #withRegistry}; else null. */
  public final Registry registry;

  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * Pins every reference to the SHA-256 of its text: a stand-in for a registry that has every image
   * (these tests run no registry).
   */
  public static final ReferenceResolver FIXTURE_RESOLVER =
      ref -> {
        try {
          return Optional.of(
              "sha256:"
                  + HexFormat.of()
                      .formatHex(
                          MessageDigest.getInstance("SHA-256")
                              .digest(ref.toString().getBytes(StandardCharsets.UTF_8))));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      };

  public TestController(Path dir, FakeBmc bmc, JobSettings settings, String dbUrl)
      throws Exception {
    this(dir, bmc, settings, dbUrl, FIXTURE_RESOLVER);
  }

  public TestController(
      Path dir, FakeBmc bmc, JobSettings settings, String dbUrl, ReferenceResolver resolver)
      throws Exception {
    this(dir, bmc, settings, dbUrl, resolver, 0);
  }

  /**
   * @param port the port to listen on, 0 for any (a restart test keeps one: the URLs in task ISOs
   *     name it)
   */
  public TestController(
      Path dir,
      FakeBmc bmc,
      JobSettings settings,
      String dbUrl,
      ReferenceResolver resolver,
      int port)
      throws Exception {
    this(dir, bmc, settings, dbUrl, resolver, port, false);
  }

  private TestController(
      Path dir,
      FakeBmc bmc,
      JobSettings settings,
      String dbUrl,
      ReferenceResolver resolver,
      int port,
      boolean withRegistry)
      throws Exception {
    this.bmc = bmc;
    PlinthConfig c = new PlinthConfig(new Listen("127.0.0.1", port), dir, dbUrl, null);
    if (!Files.exists(c.maintenanceIsoFile())) {
      SimulatedFleet.writeMaintenanceIso(c.maintenanceIsoFile());
    }
    RegistryAccess.Gate gate = new RegistryAccess.Gate(null);
    registry =
        withRegistry
            ? Registry.builder()
                .root(new Layout(dir).registry())
                .credentials(gate)
                .authorizer(gate)
                .start()
            : null;
    try {
      controller =
          Controller.start(
              c,
              new Controller.Parts(
                  bmc,
                  new RecipesModuleCheck(),
                  resolver,
                  settings,
                  InstantSource.system(),
                  registry == null
                      ? List.of()
                      : List.of(
                          registry.routes(), RegistryMaintenanceRoutes.of(gate, () -> registry))));
    } catch (Exception e) {
      if (registry != null) {
        registry.close();
      }
      throw e;
    }
    gate.bind(controller.registryAccess());
  }

  /**
   * A controller that serves an embedded registry ({@code /v2}, its data plane on another loopback
   * port, and {@code /api/v1/registry/...}) with the access rules {@code plinth serve} binds.
   */
  public static TestController withRegistry(Path dir) throws Exception {
    return new TestController(
        dir, new FakeBmc(), JobSettings.defaults(), null, FIXTURE_RESOLVER, 0, true);
  }

  public TestController(Path dir) throws Exception {
    this(dir, new FakeBmc(), JobSettings.defaults(), null);
  }

  /** A port that was free a moment ago. */
  public static int freePort() throws java.io.IOException {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + controller.port() + path;
  }

  public String admin() {
    return controller.admin().token();
  }

  /** Sends a request with {@code token} (null for none) and a JSON body (null for none). */
  public HttpResponse<String> call(
      String method, String path, String token, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> call(String method, String path, String body) throws Exception {
    return call(method, path, admin(), body);
  }

  public static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Override
  public void close() {
    controller.close();
    if (registry != null) {
      registry.close();
    }
  }
}
