/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged {@code plinth} binary run as a child process, as an operator runs it. */
final class PlinthProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private PlinthProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("plinth.jar", "../controller/target/plinth.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run ./mvnw verify (it packages first)");
    }
    return jar;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts {@code plinth serve} on a free loopback port with {@code data} as data directory. */
  static PlinthProcess serve(Path data, String... extra) throws IOException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.add("serve");
    cmd.add("--listen");
    cmd.add("127.0.0.1:" + port);
    cmd.add("--data");
    cmd.add(data.toString());
    cmd.addAll(List.of(extra));
    Path log = Files.createTempFile("plinth-serve", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new PlinthProcess(p, port, log);
  }

  int port() {
    return port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** CPU time the process has used so far (user + system). */
  Duration cpuTime() {
    return process.info().totalCpuDuration().orElseThrow();
  }

  long pid() {
    return process.pid();
  }

  /** Polls {@code path} until it answers 200; returns the time it took, or throws on timeout. */
  Duration awaitOk(String path, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("plinth exited early:\n" + log());
      }
      try {
        var r =
            http.send(
                HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
      } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(path + " did not answer 200 in " + timeout + ":\n" + log());
  }

  /** Like {@code kill -9}: no shutdown hooks run. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
