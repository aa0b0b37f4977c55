/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.Layout;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.registry.Registry;
import dev.plinth.registry.api.Authorizer;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.BootListener;
import dev.plinth.simulator.demo.DemoImages;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The real controller (SQLite, job engine, webhooks, media, the embedded registry at {@code /v2})
 * started in this JVM on a free loopback port, as {@code plinth demo} wires it (with its stand-in
 * maintenance ISO), with one simulated BMC whose server is played by the test through a {@link
 * BootListener}. Machines and jobs go through the HTTP API with the admin token.
 */
final class InProcessController implements AutoCloseable {

  static final Set<String> FINAL = Set.of("Succeeded", "Failed", "Canceled", "TimedOut");
  private static final String BMC_USER = "admin";
  private static final String BMC_PASSWORD = "plinth-e2e";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Registry registry;
  private final Controller controller;
  private final BmcSimulator bmcs;
  private final String token;
  private final HttpClient http = HttpClient.newHttpClient();

  private InProcessController(
      Registry registry, Controller controller, BmcSimulator bmcs, String token) {
    this.registry = registry;
    this.controller = controller;
    this.bmcs = bmcs;
    this.token = token;
  }

  /**
   * Starts the controller with its data in {@code data}, publishes the tool images and starts one
   * simulated BMC.
   *
   * @param publicUrl the base URL written into task ISOs and given to the BMC (a forwarder in front
   *     of the controller), or null for the controller's own address
   * @param server plays the server behind the BMC: called when it boots from virtual media
   */
  static InProcessController start(Path data, String publicUrl, BootListener server)
      throws IOException, InterruptedException {
    // Simulated servers boot a stand-in maintenance ISO (as plinth demo does); the task ISO is
    // attached beside it.
    Path maintenance = data.resolveSibling("simulated-maintenance.iso");
    SimulatedFleet.writeMaintenanceIso(maintenance);
    PlinthConfig c =
        new PlinthConfig(new Listen("127.0.0.1", 0), data)
            .withPublicUrl(publicUrl)
            .withMaintenanceIso(maintenance);
    Layout layout = new Layout(c.dataDir()).create();
    AdminToken admin = AdminToken.ensure(layout.adminToken(), layout.tmp());
    Registry registry =
        Registry.builder()
            .root(layout.registry())
            .credentials(
                (user, secret) ->
                    admin.token().equals(secret) ? Optional.of(user) : Optional.empty())
            .authorizer(Authorizer.allowAll())
            .dataPlane(false)
            .start();
    Controller controller = null;
    BmcSimulator bmcs = null;
    try {
      controller =
          Controller.start(
              c,
              new Controller.Parts(
                  new RedfishBmcDriver(),
                  new RecipesModuleCheck(),
                  null,
                  JobSettings.builtIn(),
                  InstantSource.system(),
                  List.of(registry.routes())));
      bmcs =
          BmcSimulator.builder()
              .count(1)
              .credentials(BMC_USER, BMC_PASSWORD)
              .bootListener(server)
              .start();
      return new InProcessController(registry, controller, bmcs, admin.token());
    } catch (IOException | RuntimeException e) {
      if (bmcs != null) {
        bmcs.close();
      }
      if (controller != null) {
        controller.close();
      }
      registry.close();
      throw e;
    }
  }

  /** The port the controller itself listens on. */
  int port() {
    return controller.port();
  }

  /**
   * Publishes the tool images (through the controller's own address), adds the simulated machine
   * {@code name} and submits {@code recipe} for it.
   *
   * @return the job id
   */
  String submit(String name, String recipe) throws IOException, InterruptedException {
    DemoImages.publishTools("http://127.0.0.1:" + port(), token);
    call(
        "POST",
        "/api/v1/machines",
        Map.of(
            "name",
            name,
            "bmc",
            Map.of(
                "url",
                bmcs.bmc(0).url().toString(),
                "username",
                BMC_USER,
                "password",
                BMC_PASSWORD)));
    return call("POST", "/api/v1/jobs", Map.of("machine", name, "recipeText", recipe))
        .path("id")
        .asText();
  }

  JsonNode job(String id) throws IOException, InterruptedException {
    return call("GET", "/api/v1/jobs/" + id, null);
  }

  /** Every event the controller stored for the job, in stored order (all pages). */
  List<JsonNode> events(String id) throws IOException, InterruptedException {
    List<JsonNode> all = new ArrayList<>();
    String after = null;
    do {
      JsonNode page =
          call(
              "GET",
              "/api/v1/jobs/" + id + "/events?limit=500" + (after == null ? "" : "&after=" + after),
              null);
      page.path("items").forEach(all::add);
      after = page.path("next").isTextual() ? page.path("next").asText() : null;
    } while (after != null);
    return all;
  }

  /** The events the dispatcher posted (they carry a sequence number), in stored order. */
  List<JsonNode> dispatcherEvents(String id) throws IOException, InterruptedException {
    return events(id).stream().filter(e -> e.hasNonNull("seq")).toList();
  }

  /** Polls until the job is in a final state; returns the job. */
  JsonNode awaitFinal(String id, Duration timeout) throws IOException, InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    JsonNode j = job(id);
    while (!FINAL.contains(j.path("state").asText()) && System.nanoTime() < until) {
      Thread.sleep(200);
      j = job(id);
    }
    return j;
  }

  private JsonNode call(String method, String path, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("%s %s: %s", method, path, new String(r.body())).isLessThan(300);
    return JSON.readTree(r.body());
  }

  @Override
  public void close() {
    bmcs.close();
    controller.close();
    registry.close();
  }
}
