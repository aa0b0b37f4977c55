/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A WireMock BMC serving a vendor's golden fixtures ({@code
 * golden/redfish/<vendor>/redfish/v1/...}, one file per resource) with a session login; tests add
 * the answers to their own requests.
 */
final class StubBmc implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Credentials CREDS = new Credentials("root", "calvin-Pa55word");

  final WireMockServer wm;

  StubBmc(String vendor) {
    wm = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    Path dir = dir(vendor);
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(p -> p.toString().endsWith(".json"))
          .forEach(
              p -> {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                String url = "/" + rel.substring(0, rel.length() - 5);
                if (url.endsWith("/index")) {
                  url = url.substring(0, url.length() - "index".length());
                }
                wm.stubFor(get(urlEqualTo(url)).atPriority(10).willReturn(okJson(read(p))));
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    wm.stubFor(
        post(urlEqualTo("/redfish/v1/SessionService/Sessions"))
            .atPriority(10)
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("X-Auth-Token", "tok-1")
                    .withHeader("Location", "/redfish/v1/SessionService/Sessions/1")
                    .withBody("{}")));
    wm.stubFor(
        delete(urlEqualTo("/redfish/v1/SessionService/Sessions/1"))
            .willReturn(aResponse().withStatus(204)));
  }

  static Path dir(String rel) {
    try {
      return Path.of(StubBmc.class.getResource("/golden/redfish/" + rel).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A golden file's text, e.g. {@code errors/unauthorized.json}. */
  static String golden(String rel) {
    return read(dir(rel));
  }

  /** A JSON answer with a golden error body. */
  static ResponseDefinitionBuilder error(int status, String name) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(golden("errors/" + name + ".json"));
  }

  /** Serves {@code url} as its fixture changed by {@code edit}, once {@code state} is reached. */
  void afterwards(
      String scenario, String state, String vendor, String url, Consumer<ObjectNode> edit) {
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(read(dir(vendor + url + ".json")));
      edit.accept(n);
      wm.stubFor(
          get(urlEqualTo(url))
              .atPriority(1)
              .inScenario(scenario)
              .whenScenarioStateIs(state)
              .willReturn(okJson(JSON.writeValueAsString(n))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers {@code m} as a step of {@code scenario} that moves it to {@code next}. */
  void step(String scenario, String from, String next, MappingBuilder m) {
    wm.stubFor(m.atPriority(1).inScenario(scenario).whenScenarioStateIs(from).willSetStateTo(next));
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + wm.port());
  }

  RedfishClient connect() {
    return RedfishClient.connect(
        new BmcEndpoint("stub", url(), null), CREDS, new TlsPolicy.SystemTrust(), fast());
  }

  static RedfishOptions fast() {
    return RedfishOptions.defaults()
        .withDelays(Duration.ofMillis(2), Duration.ofMillis(20), Duration.ofMillis(2))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
        .withDeadlines(Duration.ofSeconds(3), Duration.ofSeconds(3))
        .withRetries(2, 3);
  }

  @Override
  public void close() {
    wm.stop();
  }
}
