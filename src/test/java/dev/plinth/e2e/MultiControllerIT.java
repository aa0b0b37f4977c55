/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.simulator.demo.DemoImages;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's acceptance test: two {@code plinth serve} processes on one PostgreSQL behind a real
 * HAProxy, a fleet of 200 simulated machines (BMC simulators, the real dispatcher in this JVM)
 * reaching the controllers only through HAProxy; {@code kill -9} of one controller in the middle of
 * the run. Every job ends Succeeded exactly once, no job is driven by both controllers (the job
 * events name who holds the lease and who booted the machine), no BMC ever has more than {@code
 * maxPerBmc} sessions open at once (the simulator counts them), and the surviving controller made
 * task ISOs that the other one had prepared (a BMC's reads land on either controller).
 */
class MultiControllerIT {

  static final int MACHINES = Integer.getInteger("plinth.multi.machines", 200);
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PG =
      System.getenv()
          .getOrDefault(
              "PLINTH_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/plinth_test?user=plinth");
  // Shorter than the built-in 30 s so that the test waits less for the takeover, long enough that
  // a controller on an overloaded machine still renews in time (5 s was not, at load 45).
  static final Duration LEASE = Duration.ofSeconds(15);
  static final int MAX_PER_BMC = 1;

  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final List<Process> processes = new ArrayList<>();
  String schema;
  String token;
  String lb;

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(PG);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void twoControllersBehindHaproxyFinishEveryJobOnceAfterOneIsKilled() throws Exception {
    Path haproxy = Path.of("/usr/sbin/haproxy");
    need(Files.isExecutable(haproxy), "haproxy (Debian package haproxy)");
    String db = freshSchema();
    int lbPort = PlinthProcess.freePort();
    lb = "http://127.0.0.1:" + lbPort;
    Path maintenance = dir.resolve("maintenance.iso");
    SimulatedFleet.writeMaintenanceIso(maintenance);
    // Every controller shares the secret key (BMC passwords, job secrets) and the admin token.
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    token = AdminToken.newToken();
    int portA = PlinthProcess.freePort();
    int portB = PlinthProcess.freePort();
    Controller a = serve("a", portA, db, maintenance, key);
    Controller b = serve("b", portB, db, maintenance, key);
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, haproxyConfig(lbPort, portA, portB));
    processes.add(
        new ProcessBuilder(haproxy.toString(), "-f", cfg.toString(), "-db")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("haproxy.log").toFile())
            .start());
    a.awaitReady();
    b.awaitReady();
    awaitOk(lb + "/readyz");
    // Each controller's embedded registry gets the (deterministic) tool images: both pin the
    // same digests, and the maintenance OS may pull from either.
    DemoImages.publishTools("http://127.0.0.1:" + portA, token);
    DemoImages.publishTools("http://127.0.0.1:" + portB, token);
    String owner = a.owner();
    String ownerB = b.owner();
    String recipe =
        "apiVersion: plinth.dev/v1\nkind: Recipe\nmetadata: {name: wipe}\n"
            + "steps:\n  - name: erase\n    wipe: {method: secure-erase, disks: all}\n";
    Instant start = Instant.now();
    try (SimulatedFleet fleet =
        new SimulatedFleet(
            MACHINES, dir.resolve("fleet"), MACHINES, SimulatedFleet.Timing.NONE, Duration.ZERO)) {
      List<String> ids = submit(fleet, recipe);
      Instant submitted = Instant.now();
      System.out.printf(
          "MultiControllerIT: %d jobs submitted in %.1f s%n",
          ids.size(), secs(Duration.between(start, submitted)));
      // Kill A once jobs have finished and A still drives some.
      Instant until = Instant.now().plusSeconds(120);
      while (Instant.now().isBefore(until)
          && (succeeded(db) < MACHINES / 5 || activeHeldBy(db, owner) == 0)) {
        Thread.sleep(50);
      }
      int heldByA = activeHeldBy(db, owner);
      assertThat(heldByA).as("A drives jobs when it is killed").isPositive();
      a.process.destroyForcibly(); // SIGKILL
      Instant killed = Instant.now();
      assertThat(a.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Instant end = Instant.now().plusSeconds(180);
      while (Instant.now().isBefore(end) && finished(db) < MACHINES) {
        Thread.sleep(250);
      }
      Instant done = Instant.now();
      Map<String, String> states = states();
      assertThat(states.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(states)
          .as("every job succeeded; fleet errors: %s", fleet.errors)
          .allSatisfy((id, s) -> assertThat(s).isEqualTo("Succeeded"));
      Duration takeover = null;
      int takenOver = 0;
      // Machines (by index) whose job the killed controller drove at some point.
      java.util.Set<Integer> drivenByA = new java.util.HashSet<>();
      for (String id : ids) {
        List<JsonNode> events = events(id);
        long finals =
            events.stream()
                .filter(e -> "job.state".equals(e.path("type").asText()))
                .filter(e -> "Succeeded".equals(e.path("data").path("to").asText()))
                .count();
        assertThat(finals).as(id + " reached Succeeded once").isEqualTo(1);
        // Who held the lease, in order; each boot request by the holder of the time.
        List<String> holders = new ArrayList<>();
        for (JsonNode e : events) {
          switch (e.path("type").asText()) {
            case "job.leased" -> {
              String o = e.path("data").path("owner").asText();
              if (!holders.isEmpty()) {
                assertThat(holders.getLast())
                    .as(id + ": only the killed one loses a job")
                    .isEqualTo(owner);
                assertThat(o).as(id + ": taken over by the survivor").isEqualTo(ownerB);
                Instant at = Instant.parse(e.path("at").asText());
                assertThat(at).as(id + ": taken over after the kill").isAfter(killed);
                Duration d = Duration.between(killed, at);
                takeover = takeover == null || d.compareTo(takeover) < 0 ? d : takeover;
                takenOver++;
              }
              holders.add(o);
            }
            case "bmc.boot-requested" ->
                assertThat(e.path("data").path("by").asText())
                    .as(id + ": booted by the lease holder of the time: " + holders)
                    .isEqualTo(holders.isEmpty() ? "(none)" : holders.getLast());
            default -> {
              // other events are not the engine's
            }
          }
        }
        assertThat(holders).as(id + " lease holders").isNotEmpty().hasSizeLessThanOrEqualTo(2);
        if (holders.contains(owner)) {
          drivenByA.add(ids.indexOf(id));
        }
      }
      assertThat(takenOver).as("jobs the survivor took over").isPositive();
      // A killed controller never logs out of the sessions it had open: they are still open on
      // the BMC at the end (a real BMC ends them after its SessionTimeout). Every other session
      // was logged out, so a BMC's most sessions at once may exceed the limit by those only.
      // The survivor logs out of its last sessions just after their jobs end: give it a moment.
      Instant drained = Instant.now().plusSeconds(10);
      while (Instant.now().isBefore(drained)
          && java.util.stream.IntStream.range(0, MACHINES)
              .anyMatch(i -> !drivenByA.contains(i) && fleet.bmcs().get(i).sessionCount() > 0)) {
        Thread.sleep(100);
      }
      int most = 0;
      int abandoned = 0;
      for (int i = 0; i < MACHINES; i++) {
        var bmc = fleet.bmcs().get(i);
        int left = bmc.sessionCount();
        if (left > (drivenByA.contains(i) ? 1 : 0)) {
          explain("m" + i, bmc, a.log, b.log);
        }
        // Only the killed controller leaves sessions open, at most one per job it drove (a job
        // holds one at a time): every other session, enrolment included, is logged out. (Sessions
        // were left on BMCs whose job the killed one never drove while a logout whose kept-alive
        // connection the BMC closed under it was not sent again: the simulator's HTTP server
        // closes every connection past 200 idle ones, and the JDK client retries only GET.)
        assertThat(left)
            .as(
                bmc.id() + ": sessions left open, its job driven by the killed controller: %s",
                drivenByA.contains(i))
            .isLessThanOrEqualTo(drivenByA.contains(i) ? 1 : 0);
        assertThat(bmc.sessionHighWater())
            .as(bmc.id() + ": most sessions at once, " + left + " left open by the killed one")
            .isLessThanOrEqualTo(MAX_PER_BMC + left);
        most = Math.max(most, bmc.sessionHighWater() - left);
        abandoned += left;
      }
      assertThat(most).as("sessions were counted").isEqualTo(MAX_PER_BMC);
      // The killed controller held at most one session per job it drove (a job holds one at a
      // time); the count of its active jobs at the kill is no bound (a job moves on before
      // SIGKILL lands).
      assertThat(abandoned).as("sessions left open").isLessThanOrEqualTo(drivenByA.size());
      String logB = Files.readString(b.log);
      int remade = count(logB, "task ISO made again here");
      // Logouts whose connection the BMC closed under them, sent again (each once left a session).
      int relogouts = count(Files.readString(a.log) + logB, "; trying again");
      assertThat(remade).as("B served task ISOs that A had prepared").isPositive();
      System.out.printf(
          "MultiControllerIT: %d machines; submitted in %.1f s; A held %d active jobs at the kill;"
              + " %d taken over, the first %.1f s after the kill (lease %d s); all succeeded"
              + " %.1f s after the kill, %.1f s from the start; B remade %d task ISOs; most BMC"
              + " sessions at once %d (besides %d the killed one left open); %d logouts sent"
              + " again%n",
          MACHINES,
          secs(Duration.between(start, submitted)),
          heldByA,
          takenOver,
          secs(takeover),
          LEASE.toSeconds(),
          secs(Duration.between(killed, done)),
          secs(Duration.between(start, done)),
          remade,
          most,
          abandoned,
          relogouts);
    }
  }

  /** Prints what both controllers logged about {@code machine}, whose BMC has sessions left. */
  static void explain(
      String machine, dev.plinth.simulator.bmc.SimulatedBmc bmc, Path logA, Path logB)
      throws IOException {
    Pattern p = Pattern.compile("\\b" + machine + "\\b");
    System.out.printf(
        "MultiControllerIT: %s (%s): %d session(s) left open, %d requests, %d boots%n",
        bmc.id(), machine, bmc.sessionCount(), bmc.requestCount(), bmc.bootHistory().size());
    for (Path log : List.of(logA, logB)) {
      Files.readAllLines(log).stream()
          .filter(line -> p.matcher(line).find())
          .limit(60)
          .forEach(line -> System.out.println("  " + log.getFileName() + ": " + line));
    }
  }

  /** A running {@code plinth serve}. */
  record Controller(Process process, int port, Path log) {
    String owner() throws Exception {
      Pattern p = Pattern.compile("lease owner (\\S+) on");
      Instant until = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(until)) {
        Matcher m = p.matcher(Files.readString(log));
        if (m.find()) {
          return m.group(1);
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no lease owner in the log:\n" + Files.readString(log));
    }

    void awaitReady() throws Exception {
      HttpClient h = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      Instant until = Instant.now().plusSeconds(90);
      while (Instant.now().isBefore(until)) {
        if (!process.isAlive()) {
          throw new AssertionError("serve exited:\n" + Files.readString(log));
        }
        try {
          var r =
              h.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new AssertionError("serve did not become ready:\n" + Files.readString(log));
    }
  }

  Controller serve(String name, int port, String db, Path maintenance, byte[] key)
      throws IOException {
    Path data = Files.createDirectories(dir.resolve(name));
    Files.createDirectories(data.resolve("secrets"));
    Path keyFile = data.resolve("secrets/secret.key");
    Files.write(keyFile, key);
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(data.resolve("admin.token"), token + "\n");
    Files.setPosixFilePermissions(
        data.resolve("admin.token"), PosixFilePermissions.fromString("rw-------"));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-Xmx256m",
                "-jar",
                PlinthProcess.jar().toString(),
                "serve",
                "--listen",
                "127.0.0.1:" + port,
                "--data-plane-listen",
                "127.0.0.1:0",
                "--data",
                data.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("PLINTH_DATABASE_URL", db);
    env.put("PLINTH_PUBLIC_URL", lb);
    env.put("PLINTH_MAINTENANCE_ISO", maintenance.toString());
    env.put("PLINTH_JOBS_MAX_ACTIVE", Integer.toString(MACHINES / 2));
    env.put("PLINTH_JOBS_MAX_PER_BMC", Integer.toString(MAX_PER_BMC));
    env.put("PLINTH_JOBS_LEASE", LEASE.toSeconds() + "s");
    Process p = pb.start();
    processes.add(p);
    return new Controller(p, port, log);
  }

  /**
   * Round robin over both controllers, health-checked on {@code /readyz} (HAProxy's check is
   * HTTP/1.0); a connection refused by a dead controller is retried on the other one.
   */
  static String haproxyConfig(int lbPort, int a, int b) {
    return String.join(
        "\n",
        "global",
        "  maxconn 4096",
        "defaults",
        "  mode http",
        "  timeout connect 1s",
        "  timeout client 120s",
        "  timeout server 120s",
        "  retries 3",
        "  option redispatch",
        "frontend plinth",
        "  bind 127.0.0.1:" + lbPort,
        "  default_backend controllers",
        "backend controllers",
        "  balance roundrobin",
        "  option httpchk GET /readyz",
        "  http-check expect status 200",
        // Generous: on a loaded CI machine a check may take seconds; a dead controller's refused
        // connections are redispatched meanwhile.
        "  timeout check 5s",
        "  server a 127.0.0.1:" + a + " check inter 1s fall 3 rise 2",
        "  server b 127.0.0.1:" + b + " check inter 1s fall 3 rise 2",
        "");
  }

  List<String> submit(SimulatedFleet fleet, String recipe) throws Exception {
    Map<Integer, String> ids = new ConcurrentHashMap<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8, Thread.ofVirtual().factory())) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < MACHINES; i++) {
        int n = i;
        done.add(
            pool.submit(
                () -> {
                  call(
                      "POST",
                      "/api/v1/machines",
                      Map.of(
                          "name",
                          "m" + n,
                          "bmc",
                          Map.of(
                              "url",
                              fleet.bmcs().get(n).url().toString(),
                              "username",
                              SimulatedFleet.USER,
                              "password",
                              SimulatedFleet.PASSWORD)));
                  ids.put(
                      n,
                      call("POST", "/api/v1/jobs", Map.of("machine", "m" + n, "recipeText", recipe))
                          .path("id")
                          .asText());
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    // In machine order: job i is machine m<i> on BMC i.
    return java.util.stream.IntStream.range(0, MACHINES).mapToObj(ids::get).toList();
  }

  JsonNode call(String method, String path, Object body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(lb + path)).header("Authorization", "Bearer " + token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpRequest req = b.build();
    HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    // HAProxy's own 503 while it has marked every controller down (its checks time out when the
    // machine is overloaded): the request never reached a controller, so it is sent again.
    for (int i = 0;
        i < 50 && r.statusCode() == 503 && new String(r.body()).contains("No server");
        i++) {
      Thread.sleep(200);
      r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }
    assertThat(r.statusCode())
        .as(method + " " + path + ": " + new String(r.body()))
        .isLessThan(300);
    return JSON.readTree(r.body());
  }

  Map<String, String> states() throws Exception {
    Map<String, String> m = new HashMap<>();
    String next = "";
    do {
      JsonNode page = call("GET", "/api/v1/jobs?limit=500" + next, null);
      for (JsonNode j : page.path("items")) {
        m.put(j.path("id").asText(), j.path("state").asText());
      }
      next = page.path("next").isTextual() ? "&after=" + page.path("next").asText() : null;
    } while (next != null);
    return m;
  }

  List<JsonNode> events(String id) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    call("GET", "/api/v1/jobs/" + id + "/events?limit=500", null).path("items").forEach(out::add);
    return out;
  }

  void awaitOk(String url) throws Exception {
    Instant until = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(until)) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // HAProxy not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        url + " did not answer 200: " + Files.readString(dir.resolve("haproxy.log")));
  }

  String freshSchema() {
    schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(PG);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      schema = null;
      need(false, "PostgreSQL at " + PG + " (" + e.getMessage() + "; run .ci/services)");
    }
    return PG + (PG.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  static int succeeded(String db) throws SQLException {
    return count(db, "SELECT COUNT(*) FROM jobs WHERE state = 'SUCCEEDED'", null);
  }

  static int finished(String db) throws SQLException {
    return count(
        db,
        "SELECT COUNT(*) FROM jobs WHERE state IN ('SUCCEEDED','FAILED','CANCELED','TIMED_OUT')",
        null);
  }

  static int activeHeldBy(String db, String owner) throws SQLException {
    return count(
        db,
        "SELECT COUNT(*) FROM jobs WHERE lease_owner = ? AND state IN"
            + " ('MEDIA_READY','BOOTING','RUNNING','FINISHING')",
        owner);
  }

  static int count(String db, String sql, String arg) throws SQLException {
    try (Connection c = DriverManager.getConnection(db);
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  static double secs(Duration d) {
    return d == null ? Double.NaN : d.toMillis() / 1000.0;
  }

  static void need(boolean present, String what) {
    if (!present && "1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
      throw new AssertionError(what + " is required (PLINTH_REQUIRE_PEERS=1) but is not available");
    }
    Assumptions.assumeTrue(present, what + " is not available");
  }
}
