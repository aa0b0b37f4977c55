/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.demo.DemoImages;
import dev.plinth.controller.demo.SimulatedFleet;
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
 * </pre>
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
    var timing =
        new SimulatedFleet.Timing(
            Duration.ofMillis(Long.parseLong(a[5])),
            Duration.ofMillis(Long.parseLong(a[6])),
            Duration.ofMillis(Long.parseLong(a[7])));
    String recipe;
    try (InputStream in =
        FleetBench.class.getResourceAsStream("/dev/plinth/controller/demo/demo-recipe.yaml")) {
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
                    JsonNode j =
                        post(
                            http,
                            base,
                            token,
                            "/api/v1/jobs",
                            Map.of("machine", name, "recipeText", recipe));
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
      List<JsonNode> ended = new ArrayList<>();
      while (Instant.now().isBefore(until)) {
        ended.clear();
        for (String id : jobs.keySet()) {
          JsonNode j = get(http, base, token, "/api/v1/jobs/" + id);
          if (FINAL.contains(j.path("state").asText())) {
            ended.add(j);
          }
        }
        if (ended.size() == n) {
          break;
        }
        Thread.sleep(2000);
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
      // Redfish requests the simulated BMCs answered per job (sessions, checks, both boots; with the
      // enrolment's inventory read unless enrolled first).
      long requests = fleet.bmcs().stream().mapToLong(b -> b.requestCount()).sum() - before;
      System.out.printf(
          Locale.ROOT,
          "RESULT n=%d succeeded=%d span_s=%.2f median_s=%.2f max_s=%.2f redfish_per_job=%.1f"
              + " submit_s=%.2f%n",
          n,
          ok,
          first == null ? 0 : Duration.between(first, last).toMillis() / 1000.0,
          each.isEmpty() ? 0 : each.get(each.size() / 2) / 1000.0,
          each.isEmpty() ? 0 : each.getLast() / 1000.0,
          (double) requests / n,
          submitS);
      fleet.errors.forEach((b, e) -> System.out.println("fleet error " + b + ": " + e));
    }
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
