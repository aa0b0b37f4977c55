/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.simulator.demo.DemoImages;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * N simulated machines provisioned at once by a running {@code plinth serve}, the simulated
 * servers and their dispatchers in this JVM so that the controller's RSS and CPU are its own.
 * Prints one table row: jobs from first submitted to last finished, and per job.
 *
 * <pre>
 * FleetBench maintenance-iso FILE
 * FleetBench run URL TOKEN_FILE N PREFIX LATENCY_MS POWER_MS BOOT_MS DIR
 * FleetBench submit URL TOKEN_FILE N PREFIX DIR SERVE_PID
 * </pre>
 *
 * <p>{@code submit} measures job submission alone: N machines enrolled against simulated BMCs that
 * answer at once and whose servers take an hour to boot, then N jobs submitted (K at a time) to a
 * serve started with {@code PLINTH_JOBS_MAX_ACTIVE=1}, so that the engine stays nearly idle. The
 * first half warms the controller up; the second half is reported: each POST's latency, and serve's
 * CPU (from {@code /proc/SERVE_PID/stat}) per submission.
 *
 * <p>{@code -Dsubmitters=K} submits K machines at a time (default 4); {@code -Dpublish=URL,...}
 * publishes the tool images to each of these controllers instead of {@code URL}.
 */
public final class FleetBench {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> FINAL = Set.of("Succeeded", "Failed", "Canceled", "TimedOut");

  public static void main(String[] a) throws Exception {
    if (a[0].equals("maintenance-iso")) {
      SimulatedFleet.writeMaintenanceIso(Path.of(a[1]));
      return;
    }
    String base = a[1];
    String token = Files.readString(Path.of(a[2])).strip();
    int n = Integer.parseInt(a[3]);
    String prefix = a[4];
    if (a[0].equals("submit")) {
      submitOnly(base, token, n, prefix, Path.of(a[5]), Long.parseLong(a[6]));
      return;
    }
    var timing =
        new SimulatedFleet.Timing(
            Duration.ofMillis(Long.parseLong(a[5])),
            Duration.ofMillis(Long.parseLong(a[6])),
            Duration.ofMillis(Long.parseLong(a[7])));
    String recipe;
    try (InputStream in =
        FleetBench.class.getResourceAsStream("/dev/plinth/simulator/demo/demo-recipe.yaml")) {
      recipe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    HttpClient http = HttpClient.newHttpClient();
    try (SimulatedFleet fleet = new SimulatedFleet(n, Path.of(a[8]), n, timing)) {
      // -Dpublish=URL,URL: each controller's own address (several controllers behind one
      // balancer each have their own embedded registry; an upload must stay on one of them).
      String publish = System.getProperty("publish");
      for (String u : publish == null ? List.of(base) : List.of(publish.split(","))) {
        DemoImages.publishTools(u, token);
      }
      Map<String, String> jobs = new ConcurrentHashMap<>();
      // Each POST /api/v1/jobs on its own (machine enrolment not counted), in microseconds.
      List<Long> submitMicros = java.util.Collections.synchronizedList(new ArrayList<>());
      // -Denrolfirst=true: every machine enrolled (BMC checked, inventory read) before the first
      // job, as machines are enrolled once and provisioned many times; the span then counts the
      // jobs alone, as the one machine's critical path does. -Denrolers=K enrols K at a time (64).
      boolean enrolFirst = Boolean.getBoolean("enrolfirst");
      if (enrolFirst) {
        try (ExecutorService e =
            Executors.newFixedThreadPool(
                Integer.getInteger("enrolers", 64), Thread.ofVirtual().factory())) {
          List<Future<?>> enrolled = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            String name = prefix + i;
            String bmc = fleet.bmcs().get(i).url().toString();
            enrolled.add(e.submit(() -> enrol(http, base, token, name, bmc)));
          }
          for (Future<?> f : enrolled) {
            f.get();
          }
        }
      }
      long before = fleet.bmcs().stream().mapToLong(b -> b.requestCount()).sum();
      long submitStart = System.nanoTime();
      try (ExecutorService submitters =
          Executors.newFixedThreadPool(
              Integer.getInteger("submitters", 4), Thread.ofVirtual().factory())) {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String name = prefix + i;
          String bmc = fleet.bmcs().get(i).url().toString();
          done.add(
              submitters.submit(
                  () -> {
                    if (!enrolFirst) {
                      enrol(http, base, token, name, bmc);
                    }
                    long t0 = System.nanoTime();
                    JsonNode j =
                        post(
                            http,
                            base,
                            token,
                            "/api/v1/jobs",
                            Map.of("machine", name, "recipeText", recipe));
                    submitMicros.add((System.nanoTime() - t0) / 1000);
                    jobs.put(j.path("id").asText(), name);
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      double submitS = (System.nanoTime() - submitStart) / 1e9;
      Instant until = Instant.now().plus(Duration.ofMinutes(30));
      // Each job is read until it has finished, not after: its createdAt and finishedAt are the
      // controller's, so how often this polls changes no figure, only the GETs both JVMs answer
      // and send (-Dpoll=MS, 5000 by default; it was every job each 2000 ms; polls= counts them).
      List<JsonNode> ended = new ArrayList<>();
      Set<String> pending = new java.util.LinkedHashSet<>(jobs.keySet());
      long pollMs = Long.getLong("poll", 5000);
      long polls = 0;
      while (Instant.now().isBefore(until)) {
        for (java.util.Iterator<String> it = pending.iterator(); it.hasNext(); ) {
          JsonNode j = get(http, base, token, "/api/v1/jobs/" + it.next());
          polls++;
          if (FINAL.contains(j.path("state").asText())) {
            ended.add(j);
            it.remove();
          }
        }
        if (pending.isEmpty()) {
          break;
        }
        Thread.sleep(pollMs);
      }
      Instant first = null;
      Instant last = null;
      List<Long> each = new ArrayList<>();
      long ok = 0;
      for (JsonNode j : ended) {
        Instant c = Instant.parse(j.path("createdAt").asText());
        Instant f = Instant.parse(j.path("finishedAt").asText());
        first = first == null || c.isBefore(first) ? c : first;
        last = last == null || f.isAfter(last) ? f : last;
        each.add(Duration.between(c, f).toMillis());
        ok += "Succeeded".equals(j.path("state").asText()) ? 1 : 0;
      }
      each.sort(null);
      List<Long> sub = new ArrayList<>(submitMicros);
      sub.sort(null);
      // Redfish requests the simulated BMCs answered per job (sessions, checks, both boots; with the
      // enrolment's inventory read unless enrolled first).
      long requests = fleet.bmcs().stream().mapToLong(b -> b.requestCount()).sum() - before;
      System.out.printf(
          Locale.ROOT,
          "RESULT n=%d succeeded=%d span_s=%.2f median_s=%.2f max_s=%.2f redfish_per_job=%.1f"
              + " submit_s=%.2f submit_median_ms=%.1f submit_p90_ms=%.1f polls=%d"
              + " fleet_cpu_s=%.2f%n",
          n,
          ok,
          first == null ? 0 : Duration.between(first, last).toMillis() / 1000.0,
          each.isEmpty() ? 0 : each.get(each.size() / 2) / 1000.0,
          each.isEmpty() ? 0 : each.getLast() / 1000.0,
          (double) requests / n,
          submitS,
          sub.isEmpty() ? 0 : sub.get(sub.size() / 2) / 1000.0,
          sub.isEmpty() ? 0 : sub.get(sub.size() * 9 / 10) / 1000.0,
          polls,
          cpuTicks(ProcessHandle.current().pid()) / 100.0);
      fleet.errors.forEach((b, e) -> System.out.println("fleet error " + b + ": " + e));
      // -Dphases=DIR: after the figures above, read every job's events and write where each job's
      // time went (DIR/PREFIXphases.txt, the raw events in DIR/PREFIXevents.jsonl). Off by
      // default: these reads come after the span but before fleet.sh reads serve's CPU.
      String phases = System.getProperty("phases");
      if (phases != null) {
        phases(http, base, token, ended, Path.of(phases), prefix);
      }
    }
  }

  /**
   * Each job's timeline: created, then its events in stored order (heartbeats left out), each
   * labelled by type (job.state by its target state, dispatcher step events by their step). A phase
   * is the time from one label to the next; printed per phase as median and p90 over the jobs, with
   * how many jobs had it. For dispatcher events, the webhook's delay: stored at minus the
   * dispatcher's own {@code time}.
   */
  static void phases(HttpClient http, String base, String token, List<JsonNode> ended, Path dir,
      String prefix) throws Exception {
    Files.createDirectories(dir);
    Map<String, List<Long>> phase = new java.util.LinkedHashMap<>();
    Map<String, List<Long>> delay = new java.util.LinkedHashMap<>();
    StringBuilder raw = new StringBuilder();
    for (JsonNode j : ended) {
      String id = j.path("id").asText();
      List<JsonNode> evs = new ArrayList<>();
      String after = null;
      while (true) {
        JsonNode page =
            get(http, base, token,
                "/api/v1/jobs/" + id + "/events?limit=500" + (after == null ? "" : "&after=" + after));
        page.path("items").forEach(evs::add);
        after = page.path("next").isNull() || page.path("next").isMissingNode()
            ? null : page.path("next").asText();
        if (after == null || page.path("items").size() < 500) {
          break;
        }
      }
      raw.append("{\"job\":\"").append(id).append("\",\"createdAt\":\"")
          .append(j.path("createdAt").asText()).append("\",\"events\":")
          .append(JSON.writeValueAsString(evs)).append("}\n");
      String prev = "created";
      Instant prevAt = Instant.parse(j.path("createdAt").asText());
      for (JsonNode e : evs) {
        String type = e.path("type").asText();
        if (type.equals("heartbeat")) {
          continue;
        }
        String label =
            switch (type) {
              case "job.state" -> "state:" + e.path("data").path("to").asText();
              case "step.started", "step.succeeded", "step.failed" ->
                  type + ":" + e.path("step").asText(e.path("data").path("step").asText());
              default -> type;
            };
        Instant at = Instant.parse(e.path("at").asText());
        phase.computeIfAbsent(prev + " -> " + label, k -> new ArrayList<>())
            .add(Duration.between(prevAt, at).toMillis());
        JsonNode time = e.path("data").path("time");
        if (time.isTextual() && !type.equals("job.state")) {
          delay.computeIfAbsent(type, k -> new ArrayList<>())
              .add(Duration.between(Instant.parse(time.asText()), at).toMillis());
        }
        prev = label;
        prevAt = at;
      }
      Instant f = Instant.parse(j.path("finishedAt").asText());
      phase.computeIfAbsent("total (created -> finishedAt)", k -> new ArrayList<>())
          .add(Duration.between(Instant.parse(j.path("createdAt").asText()), f).toMillis());
    }
    Files.writeString(dir.resolve(prefix + "events.jsonl"), raw);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "# %d jobs; ms: median p90 max jobs%n", ended.size()));
    phase.forEach((k, v) -> out.append(row("phase " + k, v)));
    delay.forEach((k, v) -> out.append(row("webhook delay (stored - dispatcher time) " + k, v)));
    Files.writeString(dir.resolve(prefix + "phases.txt"), out);
    System.err.print(out);
  }

  static String row(String name, List<Long> v) {
    List<Long> s = new ArrayList<>(v);
    s.sort(null);
    return String.format(
        Locale.ROOT, "%-90s %8d %8d %8d %5d%n", name, s.get(s.size() / 2), s.get(s.size() * 9 / 10),
        s.getLast(), s.size());
  }

  static String demoRecipe() throws java.io.IOException {
    try (InputStream in =
        FleetBench.class.getResourceAsStream("/dev/plinth/simulator/demo/demo-recipe.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static void submitOnly(String base, String token, int n, String prefix, Path dir, long servePid)
      throws Exception {
    String recipe = demoRecipe();
    HttpClient http = HttpClient.newHttpClient();
    var timing = new SimulatedFleet.Timing(Duration.ZERO, Duration.ZERO, Duration.ofHours(1));
    try (SimulatedFleet fleet = new SimulatedFleet(n, dir, n, timing)) {
      DemoImages.publishTools(base, token);
      try (ExecutorService e = Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
        List<Future<?>> enrolled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String name = prefix + i;
          String bmc = fleet.bmcs().get(i).url().toString();
          enrolled.add(e.submit(() -> enrol(http, base, token, name, bmc)));
        }
        for (Future<?> f : enrolled) {
          f.get();
        }
      }
      submitRound(http, base, token, recipe, prefix, 0, n / 2, servePid); // warm-up
      long[] r = submitRound(http, base, token, recipe, prefix, n / 2, n, servePid);
      int count = n - n / 2;
      System.out.printf(
          Locale.ROOT,
          "RESULT submitted=%d submitters=%d wall_s=%.2f median_ms=%.1f p90_ms=%.1f max_ms=%.1f"
              + " serve_cpu_ms_per_job=%.1f%n",
          count,
          Integer.getInteger("submitters", 4),
          r[0] / 1e9,
          r[1] / 1000.0,
          r[2] / 1000.0,
          r[3] / 1000.0,
          r[4] * 10.0 / count);
    }
  }

  /** Submits machines [from, to); gives wall ns, median, p90, max in µs, serve's CPU ticks. */
  static long[] submitRound(
      HttpClient http,
      String base,
      String token,
      String recipe,
      String prefix,
      int from,
      int to,
      long servePid)
      throws Exception {
    List<Long> micros = java.util.Collections.synchronizedList(new ArrayList<>());
    long cpu0 = cpuTicks(servePid);
    long t0 = System.nanoTime();
    try (ExecutorService s =
        Executors.newFixedThreadPool(
            Integer.getInteger("submitters", 4), Thread.ofVirtual().factory())) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < to; i++) {
        String name = prefix + i;
        done.add(
            s.submit(
                () -> {
                  long t = System.nanoTime();
                  post(http, base, token, "/api/v1/jobs", Map.of("machine", name, "recipeText", recipe));
                  micros.add((System.nanoTime() - t) / 1000);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    long wall = System.nanoTime() - t0;
    long cpu = cpuTicks(servePid) - cpu0;
    List<Long> m = new ArrayList<>(micros);
    m.sort(null);
    return new long[] {
      wall, m.get(m.size() / 2), m.get(m.size() * 9 / 10), m.getLast(), cpu
    };
  }

  /** utime + stime of a process, in clock ticks (1/100 s). */
  static long cpuTicks(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static JsonNode enrol(HttpClient http, String base, String token, String name, String bmc)
      throws Exception {
    return post(
        http,
        base,
        token,
        "/api/v1/machines",
        Map.of(
            "name",
            name,
            "bmc",
            Map.of(
                "url", bmc, "username", SimulatedFleet.USER, "password", SimulatedFleet.PASSWORD)));
  }

  static JsonNode post(HttpClient http, String base, String token, String path, Object body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("POST " + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  static JsonNode get(HttpClient http, String base, String token, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }
}
