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
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.JobStore;
import dev.plinth.dispatcher.contract.ContractJson;
import dev.plinth.dispatcher.contract.Event;
import dev.plinth.dispatcher.contract.EventType;
import dev.plinth.dispatcher.contract.WebhookSignature;
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
 * has no capacity (jobs stay Pending), so only the webhook path is measured.
 * Usage: java -cp plinth.jar WebhookBench.java DIR JOBS EVENTS_PER_JOB
 */
public final class WebhookBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int jobs = Integer.parseInt(args[1]);
    int perJob = Integer.parseInt(args[2]);
    http(dir.resolve("http"), jobs, perJob);
    store(dir.resolve("store"), jobs, perJob);
  }

  static void http(Path dir, int jobs, int perJob) throws Exception {
    Files.createDirectories(dir);
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
      for (int i = 0; i < 2 * jobs; i++) {
        api(client, c, admin, "/api/v1/machines",
            "{\"name\":\"m" + i + "\",\"bmc\":{\"url\":\"https://10.0.0.1\",\"username\":\"u\","
                + "\"password\":\"p\"}}");
        String r = api(client, c, admin, "/api/v1/jobs",
            "{\"machine\":\"m" + i + "\",\"recipeText\":\"apiVersion: plinth.dev/v1\\nkind: Recipe"
                + "\\nmetadata: {name: w}\\nsteps: [{name: e, wipe: {method: zero, disks: all}}]\\n\"}");
        ids.add(JSON.readTree(r).get("id").asText());
      }
      SecretBox box = SecretBox.load(c.layout().secretKey(), null);
      List<JobSecrets> secrets = new ArrayList<>();
      try (Database db = Database.open("jdbc:sqlite:" + c.layout().database(), null)) {
        JobStore js = new JobStore(db);
        for (String id : ids) {
          secrets.add(JobSecrets.open(box, id, js.get(id).orElseThrow().sealedSecret()));
        }
      }
      // First round: warm-up (class loading, JIT) on the first half of the jobs, not reported.
      for (int round = 0; round < 2; round++) {
      AtomicLong accepted = new AtomicLong();
      AtomicLong other = new AtomicLong();
      cpu0 = cpu();
      long t0 = System.nanoTime();
      List<Thread> ts = new ArrayList<>();
      for (int j = round * jobs; j < (round + 1) * jobs; j++) {
        String id = ids.get(j);
        JobSecrets s = secrets.get(j);
        byte[] key = Base64.getDecoder().decode(s.hmacKey());
        URI uri = URI.create(c.baseUrl() + "/webhooks/v1/jobs/" + id + "/events");
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
                      .header("Authorization", "Bearer " + s.token())
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
      if (round == 1) {
        row("HTTP webhook (token + HMAC + SQLite)", jobs, accepted.get(), other.get(), secs);
      }
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
      row("event store alone (SQLite)", ids.size(), accepted.get(), other.get(), secs);
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

  /** CPU time of this process (all threads, client included), ns. */
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static void row(String what, int jobs, long ok, long bad, double secs) {
    long c = cpu();
    System.out.printf(
        "| %s | %d | %d | %d | %.2f | %.0f | %.2f |%n",
        what, jobs, ok, bad, secs, ok / secs, (c - cpu0) / 1e9);
    cpu0 = c;
  }
}
