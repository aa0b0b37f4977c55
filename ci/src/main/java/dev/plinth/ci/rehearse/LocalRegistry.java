/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.rehearse;

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
import java.util.concurrent.TimeUnit;

/**
 * A registry process the rehearsal starts and stops: {@code plinth serve}'s embedded registry
 * (staging) or Debian's {@code docker-registry} (production), on loopback ports.
 *
 * @param name staging or production
 * @param process the server
 * @param url {@code http://127.0.0.1:PORT}
 * @param username user for Basic auth (null: anonymous)
 * @param passwordFile its password (null: anonymous)
 * @param gcCommand the command that garbage-collects it
 * @param log the server's output
 */
public record LocalRegistry(
    String name,
    Process process,
    String url,
    String username,
    Path passwordFile,
    String gcCommand,
    Path log)
    implements AutoCloseable {

  /** {@code host:port}. */
  public String host() {
    return URI.create(url).getAuthority();
  }

  /** Starts {@code plinth serve} with a fresh data directory; waits until it answers. */
  public static LocalRegistry plinth(Path plinthJar, Path dir) throws IOException {
    int port = freePort();
    int dataPlane = freePort();
    Path data = Files.createDirectories(dir.resolve("data"));
    Path log = dir.resolve("serve.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC",
                    "-jar",
                    plinthJar.toString(),
                    "serve",
                    "--listen",
                    "127.0.0.1:" + port,
                    "--data-plane-listen",
                    "127.0.0.1:" + dataPlane,
                    "--data",
                    data.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    String url = "http://127.0.0.1:" + port;
    await(p, url + "/healthz", log);
    Path pw = dir.resolve("password");
    Files.writeString(pw, Files.readString(data.resolve("admin.token")).strip() + "\n");
    String gc =
        String.join(
            " ",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            plinthJar.toString(),
            "registry",
            "gc",
            "--data",
            data.toString(),
            "--grace",
            "PT0S");
    return new LocalRegistry("staging", p, url, "ci", pw, gc, log);
  }

  /** Starts Debian's docker-registry with a configuration written here (deletes enabled). */
  public static LocalRegistry dockerRegistry(Path dir) throws IOException {
    int port = freePort();
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "# docker-registry (distribution 2.8) for ci rehearse: production",
            "version: 0.1",
            "log:",
            "  level: warn",
            "storage:",
            "  filesystem:",
            "    rootdirectory: " + dir.resolve("data"),
            "  delete:",
            "    enabled: true",
            "http:",
            "  addr: 127.0.0.1:" + port,
            ""),
        StandardCharsets.UTF_8);
    Path log = dir.resolve("registry.log");
    Process p =
        new ProcessBuilder(List.of(binary(), "serve", config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    String url = "http://127.0.0.1:" + port;
    await(p, url + "/v2/", log);
    return new LocalRegistry(
        "production", p, url, null, null, binary() + " garbage-collect " + config, log);
  }

  /** {@code /usr/bin/docker-registry} (Debian package docker-registry). */
  static String binary() {
    return Files.isExecutable(Path.of("/usr/bin/docker-registry"))
        ? "/usr/bin/docker-registry"
        : "docker-registry";
  }

  private static void await(Process p, String url, Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(url + ": the server exited: " + Files.readString(log));
      }
      try {
        int s =
            http.send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (s == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException(url + " did not answer in 90 s; log " + log);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
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
