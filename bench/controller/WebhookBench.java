/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSecrets;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.observe.JsonLogging;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.JobStore;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook events stored per second: through the real endpoint (bearer token, HMAC, SQLite) with
 * JOBS jobs posting in parallel, each its events in sequence; and the event store alone. The engine
 * has no capacity (jobs stay Pending), so only the webhook path is measured. The HTTP client runs
 * in a second JVM (this class with "client"), so the controller's CPU time is measured apart from
 * the load generator's; logging is the JSON lines of `plinth serve`.
 * Usage: java -cp plinth.jar:DIR WebhookBench DIR JOBS EVENTS_PER_JOB
 */
public final class WebhookBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    if (args[0].equals("client")) {
      client(args[1], Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]));
      return;
    }
    Path dir = Path.of(args[0]);
    int jobs = Integer.parseInt(args[1]);
    int perJob = Integer.parseInt(args[2]);
    http(dir.resolve("http"), jobs, perJob);
    store(dir.resolve("store"), jobs, perJob);
  }

  static void http(Path dir, int jobs, int perJob) throws Exception {
    Files.createDirectories(dir);
    JsonLogging.install();
    PlinthConfig cfg = new PlinthConfig(new Listen("127.0.0.1", 0), dir, null, null);
    try (Controller c =
        Controller.start(
            cfg,
            new Controller.Parts(
                null,
                new RecipesModuleCheck(),
                ref -> Optional.of("sha256:" + "0".repeat(64)),
                JobSettings.defaults().withLimits(0, 1),
                InstantSource.system(),
                List.of()))) {
      HttpClient client = HttpClient.newHttpClient();
      String admin = c.admin().token();
      List<String> ids = new ArrayList<>();
      // No BMC behind these machines: added without the BMC check, then marked enrolled as a
      // checked BMC would have them (a machine still enrolling takes no jobs).
      try (Database db = Database.open("jdbc:sqlite:" + c.layout().database(), null)) {
        var lifecycle =
            new dev.plinth.controller.jobs.MachineLifecycle(
                new dev.plinth.controller.store.MachineStates(db), InstantSource.system());
        for (int i = 0; i < 2 * jobs; i++) {
          String m =
              api(client, c, admin, "/api/v1/machines?validate=false",
                  "{\"name\":\"m" + i + "\",\"bmc\":{\"url\":\"https://10.0.0.1\","
                      + "\"username\":\"u\",\"password\":\"p\"}}");
          lifecycle.fire(JSON.readTree(m).get("id").asText(), "m" + i,
              dev.plinth.controller.jobs.MachineEvent.ENROLLED, "benchmark: no BMC");
        }
      }
      for (int i = 0; i < 2 * jobs; i++) {
        String r = api(client, c, admin, "/api/v1/jobs",
            "{\"machine\":\"m" + i + "\",\"recipeText\":\"apiVersion: plinth.dev/v1\\nkind: Recipe"
                + "\\nmetadata: {name: w}\\nsteps: [{name: e, wipe: {method: zero, disks: all}}]\\n\"}");
        ids.add(JSON.readTree(r).get("id").asText());
      }
      SecretBox box = SecretBox.load(c.layout().secretKey(), null);
      List<String> lines = new ArrayList<>();
      try (Database db = Database.open("jdbc:sqlite:" + c.layout().database(), null)) {
        JobStore js = new JobStore(db);
        for (String id : ids) {
          JobSecrets s = JobSecrets.open(box, id, js.get(id).orElseThrow().sealedSecret());
          lines.add(id + " " + s.token() + " " + s.hmacKey());
        }
      }
      // Round 0 warms both JVMs up (class loading, JIT) on the first half of the jobs; round 1 on
      // the other half is reported.
      Path warm = dir.resolve("jobs-0.txt");
      Path measured = dir.resolve("jobs-1.txt");
      Files.write(warm, lines.subList(0, jobs));
      Files.write(measured, lines.subList(jobs, 2 * jobs));
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElseThrow());
      for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (!a.startsWith("-XX:StartFlightRecording")) {
          cmd.add(a);
        }
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "WebhookBench", "client",
          c.baseUrl(), warm.toString(), measured.toString(), Integer.toString(perJob)));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
        for (String line; (line = out.readLine()) != null; ) {
          String[] f = line.split(" ");
          if (f[0].equals("start")) {
            cpu0 = cpu();
          } else if (f[0].equals("done")) {
            row("HTTP webhook (token + HMAC + SQLite)", jobs, Long.parseLong(f[1]),
                Long.parseLong(f[2]), Double.parseDouble(f[3]), f[4]);
          }
        }
      }
      if (p.waitFor() != 0) {
        throw new IllegalStateException("client exited " + p.exitValue());
      }
    }
  }

  /** The load generator: posts every job's events, jobs in parallel; warm-up round first. */
  static void client(String base, Path warm, Path measured, int perJob) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    for (Path round : List.of(warm, measured)) {
      List<String[]> jobs = Files.readAllLines(round).stream().map(l -> l.split(" ")).toList();
      AtomicLong accepted = new AtomicLong();
      AtomicLong other = new AtomicLong();
      if (round == measured) {
        System.out.println("start");
        System.out.flush();
      }
      long c0 = cpu();
      long t0 = System.nanoTime();
      List<Thread> ts = new ArrayList<>();
      for (String[] j : jobs) {
        String id = j[0];
        String token = j[1];
        byte[] key = Base64.getDecoder().decode(j[2]);
        URI uri = URI.create(base + "/webhooks/v1/jobs/" + id + "/events");
        ts.add(Thread.ofVirtual().start(() -> {
          try {
            for (int n = 1; n <= perJob; n++) {
              Event e = Event.builder(id, n, EventType.HEARTBEAT, Instant.now())
                  .step(0, "e", 1).build();
              byte[] body = ContractJson.writeEvent(e);
              long now = Instant.now().getEpochSecond();
              HttpResponse<Void> r = client.send(
                  HttpRequest.newBuilder(uri)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer " + token)
                      .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                      .header(WebhookSignature.SIGNATURE_HEADER,
                          WebhookSignature.sign(key, now, body))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
              (r.statusCode() == 202 ? accepted : other).incrementAndGet();
            }
          } catch (Exception x) {
            other.incrementAndGet();
            System.err.println(x);
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      if (round == measured) {
        System.out.printf("done %d %d %.3f %.2f%n", accepted.get(), other.get(), secs,
            (cpu() - c0) / 1e9);
      }
    }
  }

  static void store(Path dir, int jobs, int perJob) throws Exception {
    Files.createDirectories(dir);
    // The store needs jobs: reuse the HTTP run's database schema by creating jobs through it.
    Path file = dir.resolve("plinth.db");
    Files.copy(dir.resolveSibling("http").resolve("plinth.db"), file);
    try (Database db = Database.sqlite(file)) {
      List<String> ids = db.tx(c -> {
        List<String> out = new ArrayList<>();
        try (var ps = c.prepareStatement("SELECT id FROM jobs");
            var rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        try (var ps = c.prepareStatement("DELETE FROM job_events")) {
          ps.executeUpdate();
        }
        try (var ps = c.prepareStatement("UPDATE jobs SET next_seq = 1")) {
          ps.executeUpdate();
        }
        return out;
      });
      AtomicLong accepted = new AtomicLong();
      AtomicLong other = new AtomicLong();
      cpu0 = cpu();
      long t0 = System.nanoTime();
      List<Thread> ts = new ArrayList<>();
      for (String id : ids) {
        ts.add(Thread.ofVirtual().start(() -> {
          for (int n = 1; n <= perJob; n++) {
            long seq = n;
            var a = db.txDurable(c -> EventStore.append(c, id, "ev-" + id + "-" + seq, seq, "heartbeat", "e",
                "{}", Instant.now()));
            (a.outcome() == EventStore.Outcome.ACCEPTED ? accepted : other).incrementAndGet();
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      row("event store alone (SQLite)", ids.size(), accepted.get(), other.get(), secs, "—");
    }
  }

  static String api(HttpClient client, Controller c, String token, String path, String body)
      throws Exception {
    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(URI.create(c.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static long cpu0 = cpu();

  /** CPU time of this process (all threads), ns. */
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static void row(String what, int jobs, long ok, long bad, double secs, String clientCpu) {
    long c = cpu();
    System.out.printf(
        "| %s | %d | %d | %d | %.2f | %.0f | %.2f | %s |%n",
        what, jobs, ok, bad, secs, ok / secs, (c - cpu0) / 1e9, clientCpu);
    cpu0 = c;
  }
}
