/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.BasicRecipeCheck;
import dev.plinth.controller.jobs.JobSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;

/** A controller on a free loopback port with SQLite in a temp dir, and an HTTP client for it. */
public final class TestController implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();

  public final Controller controller;
  public final FakeBmc bmc;
  private final HttpClient http = HttpClient.newHttpClient();

  public TestController(Path dir, FakeBmc bmc, JobSettings settings, String dbUrl)
      throws Exception {
    this.bmc = bmc;
    PlinthConfig c = new PlinthConfig(new Listen("127.0.0.1", 0), dir, dbUrl, null);
    controller =
        Controller.start(
            c,
            new Controller.Parts(
                bmc, new BasicRecipeCheck(), settings, InstantSource.system(), List.of()));
  }

  public TestController(Path dir) throws Exception {
    this(dir, new FakeBmc(), JobSettings.defaults(), null);
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
  }
}
