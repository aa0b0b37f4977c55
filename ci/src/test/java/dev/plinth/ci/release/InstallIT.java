/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the release tarball this build wrote as docs/operations.md tells an operator to (into a
 * temporary root instead of /), checks the installed unit with {@code systemd-analyze verify}, and
 * starts the installed launcher as the unit would (its state and cache directories, the shipped
 * configuration unchanged) until {@code /healthz} answers.
 */
class InstallIT {

  @TempDir Path root;

  /** The tarball the package phase wrote into this module's build directory. */
  static Path tarball() throws Exception {
    Path build =
        Path.of(InstallIT.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .getParent();
    try (Stream<Path> s = Files.list(build)) {
      List<Path> found =
          s.filter(p -> p.getFileName().toString().matches("plinth-.+-linux\\.tar\\.gz")).toList();
      assertThat(found).as("the release tarball in %s (run the package phase)", build).hasSize(1);
      return found.getFirst();
    }
  }

  static String run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  static String run(String... cmd) throws Exception {
    return run(Map.of(), cmd);
  }

  @Test
  void theTarballInstallsAsDocumentedAndTheServiceStarts() throws Exception {
    Path tarball = tarball();
    String name = tarball.getFileName().toString();
    String version = name.substring("plinth-".length(), name.length() - "-linux.tar.gz".length());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tarball)))
        .isEqualTo("rw-r--r--");

    // tar -xzf plinth-VERSION-linux.tar.gz -C /opt && ln -sfn plinth-VERSION /opt/plinth
    Path opt = Files.createDirectories(root.resolve("opt"));
    run("tar", "-xzf", tarball.toString(), "-C", opt.toString());
    assertThat(opt.resolve("plinth-" + version)).isDirectory();
    run("ln", "-sfn", "plinth-" + version, opt.resolve("plinth").toString());
    Path home = opt.resolve("plinth");
    assertThat(home.resolve("plinth")).isExecutable();
    assertThat(home.resolve("docs/operations.md")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    run("sh", "-c", "cd " + home + " && sha256sum --quiet -c SHA256SUMS");

    // The unit and the configuration into place.
    Path unit = root.resolve("etc/systemd/system/plinth.service");
    Files.createDirectories(unit.getParent());
    run("install", "-m", "0644", home.resolve("plinth.service").toString(), unit.toString());
    Path config = root.resolve("etc/plinth/plinth.yaml");
    Files.createDirectories(config.getParent());
    run("install", "-m", "0644", home.resolve("plinth.yaml.example").toString(), config.toString());

    String unitText = Files.readString(unit);
    assertThat(unitText).contains("ExecStart=/opt/plinth/plinth serve");
    for (String line : unitText.lines().filter(l -> l.startsWith("Documentation=")).toList()) {
      for (String doc : line.substring("Documentation=".length()).split(" ")) {
        assertThat(doc).startsWith("file:/opt/plinth/");
        assertThat(root.resolve(doc.substring("file:/".length()))).as(doc).isRegularFile();
      }
    }
    verifyUnit(unit);

    // Started as the unit starts it: StateDirectory (0700), CacheDirectory, the shipped config.
    Path state = root.resolve("var/lib/plinth");
    Files.createDirectories(state.getParent());
    Files.createDirectory(
        state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path cache = Files.createDirectories(root.resolve("var/cache/plinth"));
    int port = freePort();
    List<String> cmd = new ArrayList<>(List.of(home.resolve("plinth").toString(), "serve"));
    cmd.addAll(List.of("--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(root.resolve("serve.log").toFile());
    pb.environment().put("STATE_DIRECTORY", state.toString());
    pb.environment().put("CACHE_DIRECTORY", cache.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("LC_ALL", "C.UTF-8");
    // Only the port differs from the shipped 127.0.0.1:8080, which a test cannot count on.
    pb.environment().put("PLINTH_LISTEN", "127.0.0.1:" + port);
    Process serve = pb.start();
    try {
      HttpResponse<String> health = awaitHealthy(serve, port, root.resolve("serve.log"));
      assertThat(health.statusCode()).isEqualTo(200);
      Path token = state.resolve("admin.token");
      assertThat(token).isRegularFile();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
          .isEqualTo("rw-------");
      // The installed CLI talks to it with that token (docs/operations.md: the first login).
      String ls =
          run(
              Map.of(
                  "JAVA_HOME",
                  System.getProperty("java.home"),
                  "HOME",
                  root.toString(),
                  "PLINTH_URL",
                  "http://127.0.0.1:" + port,
                  "PLINTH_TOKEN",
                  Files.readString(token).strip()),
              home.resolve("plinth").toString(),
              "machines",
              "ls");
      assertThat(ls).contains("NAME");
    } finally {
      serve.destroy();
      if (!serve.waitFor(30, TimeUnit.SECONDS)) {
        serve.destroyForcibly();
      }
    }
    assertThat(Files.readString(root.resolve("serve.log")))
        .doesNotContain("There is no Helidon logging implementation");
  }

  private static void verifyUnit(Path unit) throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!"1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
      Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
    }
    Path root = unit.getParent().getParent().getParent().getParent();
    // The targets the unit and its default dependencies name, from the host: a real root has them.
    Path targets = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
    for (String t : List.of("sysinit", "basic", "network-online", "multi-user", "shutdown")) {
      Files.copy(Path.of("/usr/lib/systemd/system", t + ".target"), targets.resolve(t + ".target"));
    }
    // --root: ExecStart=/opt/plinth/plinth is looked up in the temporary root (a missing or
    // non-executable launcher fails the check), the rest as systemd would load the unit.
    Process p =
        new ProcessBuilder(
                analyze.toString(), "verify", "--root=" + root, "--man=no", unit.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).as(out).doesNotContain("plinth.service:");
  }

  private static HttpResponse<String> awaitHealthy(Process serve, int port, Path log)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      if (!serve.isAlive()) {
        assertThat(serve.isAlive())
            .as("plinth serve exited; its log:%n%s", Files.readString(log))
            .isTrue();
      }
      try {
        return http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }

  /**
   * A port P with P + 1 free too: serve puts its data plane on the port after the API's, so a
   * random P alone made serve exit with "Address already in use" on a busy machine (CI,
   * 2026-12-06).
   */
  private static int freePort() throws IOException {
    for (int i = 0; ; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        int p = s.getLocalPort();
        new ServerSocket(p + 1).close();
        return p;
      } catch (IOException e) {
        if (i >= 50) {
          throw e;
        }
      }
    }
  }
}
