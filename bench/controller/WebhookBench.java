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
 *
 * <p>Two load generators. {@code raw} (the default, the one the verdict uses): one plain blocking
 * socket per simulated dispatcher on its own platform thread, HTTP/1.1 keep-alive, requests built
 * and signed before the round starts with the headers the dispatcher's {@code WebhookClient} (the
 * JDK client, HTTP/1.1) sends, each answer read to the end of its Content-Length body and checked
 * to be a 202. It plays the part of wrk in the nginx benchmarks: real dispatchers run on 50 other
 * machines, so the client's own CPU should take as little of the shared cores as it can. {@code
 * jdk}: the JDK HttpClient of the dispatcher, 50 virtual threads, each event built, serialized and
 * signed as it is sent. {@code both} runs the two one after the other against the same controller.
 * Usage: java -cp plinth.jar:DIR WebhookBench DIR JOBS EVENTS_PER_JOB [raw|jdk|both]
 */
public final class WebhookBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    if (args[0].equals("client")) {
      Path warm = Path.of(args[3]);
      Path measured = Path.of(args[4]);
      int perJob = Integer.parseInt(args[5]);
      if (args[1].equals("raw")) {
        RawClient.run(args[2], warm, measured, perJob);
      } else {
        client(args[2], warm, measured, perJob);
      }
      return;
    }
    Path dir = Path.of(args[0]);
    int jobs = Integer.parseInt(args[1]);
    int perJob = Integer.parseInt(args[2]);
    String mode = args.length > 3 ? args[3] : "raw";
    List<String> clients =
        switch (mode) {
          case "raw", "jdk" -> List.of(mode);
          case "both" -> List.of("raw", "jdk");
          default -> throw new IllegalArgumentException("client: raw, jdk or both, not " + mode);
        };
    http(dir.resolve("http"), jobs, perJob, clients);
    store(dir.resolve("store"), jobs, perJob);
  }

  static void http(Path dir, int jobs, int perJob, List<String> clients) throws Exception {
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
        for (int i = 0; i < 2 * jobs * clients.size(); i++) {
          String m =
              api(client, c, admin, "/api/v1/machines?validate=false",
                  "{\"name\":\"m" + i + "\",\"bmc\":{\"url\":\"https://10.0.0.1\","
                      + "\"username\":\"u\",\"password\":\"p\"}}");
          lifecycle.fire(JSON.readTree(m).get("id").asText(), "m" + i,
              dev.plinth.controller.jobs.MachineEvent.ENROLLED, "benchmark: no BMC");
        }
      }
      for (int i = 0; i < 2 * jobs * clients.size(); i++) {
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
      // Per client: round 0 warms both JVMs up (class loading, JIT) on a first set of jobs; round
      // 1 on a second set is reported.
      for (int k = 0; k < clients.size(); k++) {
        String kind = clients.get(k);
        Path warm = dir.resolve("jobs-" + kind + "-0.txt");
        Path measured = dir.resolve("jobs-" + kind + "-1.txt");
        int from = 2 * jobs * k;
        Files.write(warm, lines.subList(from, from + jobs));
        Files.write(measured, lines.subList(from + jobs, from + 2 * jobs));
        runClient(c, kind, warm, measured, jobs, perJob);
      }
    }
  }

  /** Runs the load generator {@code kind} in its own JVM and prints its measured round. */
  static void runClient(Controller c, String kind, Path warm, Path measured, int jobs, int perJob)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-XX:StartFlightRecording")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "WebhookBench", "client",
        kind, c.baseUrl(), warm.toString(), measured.toString(), Integer.toString(perJob)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
      for (String line; (line = out.readLine()) != null; ) {
        String[] f = line.split(" ");
        if (f[0].equals("start")) {
          cpu0 = cpu();
          io0 = storageWrites();
        } else if (f[0].equals("done")) {
          String what = kind.equals("raw")
              ? "HTTP webhook, raw socket client (token + HMAC + SQLite)"
              : "HTTP webhook, JDK HttpClient (token + HMAC + SQLite)";
          row(what, jobs, Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]),
              f[4]);
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("client exited " + p.exitValue());
    }
  }

  /** The load generator: posts every job's events, jobs in parallel; warm-up round first. */
  static void client(String base, Path warm, Path measured, int perJob) throws Exception {
    // HTTP/1.1, as the dispatcher's WebhookClient (the default would offer an h2c upgrade).
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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

  /**
   * The light load generator: per job (one simulated dispatcher) one plain blocking socket, on a
   * platform thread, HTTP/1.1 keep-alive. Each job's requests are built before the round starts:
   * the event serialized by the contract's writer, signed with the job's HMAC key, and the headers
   * the dispatcher's WebhookClient sends through the JDK client (Content-Length, Host, User-Agent,
   * Content-Type, Authorization, X-Plinth-Timestamp, X-Plinth-Signature). Every answer is read to
   * the end of its body by Content-Length and counted as accepted only when it is a 202.
   */
  static final class RawClient {
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    static void run(String base, Path warm, Path measured, int perJob) throws Exception {
      URI u = URI.create(base);
      for (Path round : List.of(warm, measured)) {
        List<String[]> jobs = Files.readAllLines(round).stream().map(l -> l.split(" ")).toList();
        List<byte[][]> requests = new ArrayList<>();
        for (String[] j : jobs) {
          requests.add(build(u, j[0], j[1], Base64.getDecoder().decode(j[2]), perJob));
        }
        AtomicLong accepted = new AtomicLong();
        AtomicLong other = new AtomicLong();
        if (round == measured) {
          System.out.println("start");
          System.out.flush();
        }
        long c0 = cpu();
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (byte[][] reqs : requests) {
          ts.add(Thread.ofPlatform().start(() -> post(u, reqs, accepted, other)));
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

    /** The job's {@code n} requests, in sequence order, as the dispatcher would send them. */
    static byte[][] build(URI base, String id, String token, byte[] key, int n) {
      String path = "/webhooks/v1/jobs/" + id + "/events";
      String host = base.getHost() + ":" + base.getPort();
      byte[][] out = new byte[n][];
      for (int i = 0; i < n; i++) {
        Event e = Event.builder(id, i + 1, EventType.HEARTBEAT, Instant.now()).step(0, "e", 1)
            .build();
        byte[] body = ContractJson.writeEvent(e);
        long ts = Instant.now().getEpochSecond();
        String head = "POST " + path + " HTTP/1.1\r\n"
            + "Content-Length: " + body.length + "\r\n"
            + "Host: " + host + "\r\n"
            + "User-Agent: Java-http-client/" + Runtime.version().feature() + "\r\n"
            + "Content-Type: application/json\r\n"
            + WebhookSignature.AUTHORIZATION_HEADER + ": " + WebhookSignature.bearer(token) + "\r\n"
            + WebhookSignature.TIMESTAMP_HEADER + ": " + ts + "\r\n"
            + WebhookSignature.SIGNATURE_HEADER + ": " + WebhookSignature.sign(key, ts, body)
            + "\r\n\r\n";
        byte[] h = head.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] r = java.util.Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, r, h.length, body.length);
        out[i] = r;
      }
      return out;
    }

    /** Sends the requests one after the other on one connection (a new one if it is closed). */
    static void post(URI u, byte[][] reqs, AtomicLong accepted, AtomicLong other) {
      java.net.Socket s = null;
      try {
        byte[] buf = new byte[8192];
        Answer a = new Answer();
        for (byte[] r : reqs) {
          if (s == null) {
            s = new java.net.Socket(u.getHost(), u.getPort());
            s.setTcpNoDelay(true);
            a.reset();
          }
          s.getOutputStream().write(r);
          a.read(s.getInputStream(), buf);
          (a.status == 202 ? accepted : other).incrementAndGet();
          if (a.close) {
            s.close();
            s = null;
          }
        }
      } catch (java.io.IOException x) {
        other.incrementAndGet();
        System.err.println(x);
      } finally {
        if (s != null) {
          try {
            s.close();
          } catch (java.io.IOException x) {
            // done anyway
          }
        }
      }
    }

    /**
     * Reads one HTTP/1.1 answer: status line and headers up to the blank line, then the body by
     * Content-Length. Bytes read past the answer are kept for the next one.
     */
    static final class Answer {
      int status;
      boolean close;
      private int start;
      private int end;

      void reset() {
        start = 0;
        end = 0;
      }

      void read(java.io.InputStream in, byte[] buf) throws java.io.IOException {
        int headEnd;
        while ((headEnd = indexOf(buf, start, end, CRLF_CRLF)) < 0) {
          fill(in, buf);
        }
        String head = new String(buf, start, headEnd - start,
            java.nio.charset.StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].equals("HTTP/1.1")) {
          throw new java.io.IOException("not an HTTP/1.1 answer: " + lines[0]);
        }
        status = Integer.parseInt(statusLine[1]);
        long length = -1;
        close = false;
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          String name = lines[i].substring(0, colon).trim();
          String value = lines[i].substring(colon + 1).trim();
          if (name.equalsIgnoreCase("Content-Length")) {
            length = Long.parseLong(value);
          } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
            close = true;
          } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new java.io.IOException("chunked answers are not read: " + value);
          }
        }
        if (length < 0) {
          throw new java.io.IOException("answer without Content-Length: " + lines[0]);
        }
        start = headEnd + CRLF_CRLF.length;
        long left = length;
        while (left > 0) {
          if (start == end) {
            reset();
            fill(in, buf);
          }
          int take = (int) Math.min(left, end - start);
          start += take;
          left -= take;
        }
      }

      private void fill(java.io.InputStream in, byte[] buf) throws java.io.IOException {
        if (start > 0 && start == end) {
          reset();
        } else if (end == buf.length) {
          if (start == 0) {
            throw new java.io.IOException("answer head over " + buf.length + " bytes");
          }
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          start = 0;
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
          throw new java.io.EOFException("connection closed mid-answer");
        }
        end += n;
      }

      private static int indexOf(byte[] b, int from, int to, byte[] what) {
        for (int i = from; i <= to - what.length; i++) {
          if (b[i] == what[0] && b[i + 1] == what[1] && b[i + 2] == what[2]
              && b[i + 3] == what[3]) {
            return i;
          }
        }
        return -1;
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
        // 2 × JOBS writers, whichever clients the HTTP part ran (it made 2 × JOBS jobs per client).
        try (var ps = c.prepareStatement("SELECT id FROM jobs ORDER BY id LIMIT ?")) {
          ps.setInt(1, 2 * jobs);
          try (var rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
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
      io0 = storageWrites();
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

  static long io0 = storageWrites();

  /**
   * Bytes this process sent towards the disk ({@code write_bytes} of /proc/self/io: the WAL, the
   * checkpoints), or -1 where that is not available. Unlike CPU time it does not depend on the load.
   */
  static long storageWrites() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (l.startsWith("write_bytes:")) {
          return Long.parseLong(l.substring("write_bytes:".length()).trim());
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux, or not readable
    }
    return -1;
  }

  static void row(String what, int jobs, long ok, long bad, double secs, String clientCpu) {
    long io = storageWrites();
    String ioPer = io < 0 || io0 < 0 ? "—" : String.format("%.1f", (io - io0) / 1024.0 / Math.max(1, ok));
    long c = cpu();
    double serverSecs = (c - cpu0) / 1e9;
    String clientPer = clientCpu.equals("—")
        ? "—"
        : String.format("%.0f", Double.parseDouble(clientCpu) * 1e6 / Math.max(1, ok));
    System.out.printf(
        "| %s | %d | %d | %d | %.2f | %.0f | %.2f | %.0f | %s | %s | %s |%n",
        what, jobs, ok, bad, secs, ok / secs, serverSecs, serverSecs * 1e6 / Math.max(1, ok),
        clientCpu, clientPer, ioPer);
    cpu0 = c;
  }
}
