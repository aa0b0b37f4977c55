/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The external-registry stand-in: Debian's {@code docker-registry} (CNCF distribution 2.8) on a
 * loopback port with HTTP Basic auth from an htpasswd file ({@code htpasswd -B}, apache2-utils),
 * logging every request with its user. Skipped (failed under {@code PLINTH_REQUIRE_PEERS=1}) when
 * either program is missing. distribution's htpasswd has no permissions: every user it knows may
 * pull and push, so "read-only" cannot be shown with it (docs/registry.md).
 */
public final class HtpasswdRegistry implements AutoCloseable {

  /** One request as the registry logged it. */
  public record Request(String user, String method, String uri, int status) {}

  private static final Pattern FIELD = Pattern.compile("([\\w.]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

  private final Process process;
  private final Path log;
  private final String url;

  /**
   * @param users user name to password
   */
  public HtpasswdRegistry(Path dir, Map<String, String> users)
      throws IOException, InterruptedException {
    Peers.need(
        Files.isExecutable(Path.of("/usr/bin/docker-registry")),
        "docker-registry (Debian package docker-registry)");
    Peers.need(
        Files.isExecutable(Path.of("/usr/bin/htpasswd")),
        "htpasswd (Debian package apache2-utils)");
    Files.createDirectories(dir);
    StringBuilder htpasswd = new StringBuilder();
    for (var u : users.entrySet()) {
      Process p =
          new ProcessBuilder("htpasswd", "-Bbn", u.getKey(), u.getValue())
              .redirectErrorStream(true)
              .start();
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        throw new IOException("htpasswd failed: " + line);
      }
      htpasswd.append(line).append('\n');
    }
    Files.writeString(dir.resolve("htpasswd"), htpasswd);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path cfg = dir.resolve("config.yml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "version: 0.1",
            "log:",
            "  level: info",
            "  formatter: text",
            "storage:",
            "  filesystem:",
            "    rootdirectory: " + dir.resolve("data"),
            "  delete:",
            "    enabled: true",
            "http:",
            "  addr: 127.0.0.1:" + port,
            "auth:",
            "  htpasswd:",
            "    realm: plinth-test",
            "    path: " + dir.resolve("htpasswd"),
            ""));
    log = dir.resolve("registry.log");
    url = "http://127.0.0.1:" + port;
    process =
        new ProcessBuilder("docker-registry", "serve", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    awaitUp();
  }

  private void awaitUp() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited: " + Files.readString(log));
      }
      try {
        int s =
            http.send(
                    HttpRequest.newBuilder(URI.create(url + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (s == 401) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    close();
    throw new IOException("docker-registry did not answer in 30 s: " + Files.readString(log));
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return url;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return URI.create(url).getAuthority();
  }

  /** Every request the registry has logged as completed, in order. */
  public List<Request> requests() throws IOException {
    return Files.readAllLines(log).stream()
        .filter(l -> l.contains("msg=\"response completed"))
        .map(HtpasswdRegistry::parse)
        .toList();
  }

  private static Request parse(String line) {
    Map<String, String> f = new java.util.HashMap<>();
    Matcher m = FIELD.matcher(line);
    while (m.find()) {
      String v = m.group(2);
      f.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
    }
    return new Request(
        f.getOrDefault("auth.user.name", ""),
        f.getOrDefault("http.request.method", ""),
        f.getOrDefault("http.request.uri", ""),
        Integer.parseInt(f.getOrDefault("http.response.status", "0")));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
