/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.Layout;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.observe.JsonLogging;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.controller.security.SignInLinks;
import dev.plinth.registry.Registry;
import dev.plinth.simulator.demo.DemoImages;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code plinth demo}: the whole flow on one machine. Starts the controller (SQLite, embedded
 * registry) and N simulated BMCs whose servers run the real dispatcher with its local runner, adds
 * the machines, provisions them all with an example recipe, shows progress, and exits 0 only when
 * every job succeeded.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Provision simulated machines end to end (controller, BMCs, dispatcher).")
public final class DemoCommand implements Callable<Integer> {

  private static final Set<String> FINAL = Set.of("Succeeded", "Failed", "Canceled", "TimedOut");

  private static final int SUBMITTERS = 4;

  @Spec CommandSpec spec;

  @Option(
      names = "--machines",
      description = "How many simulated machines (default: 3, with --qemu 1).")
  Integer machines;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (default: a new temporary one).")
  Path data;

  @Option(
      names = {"-f", "--recipe"},
      paramLabel = "FILE",
      description = "Recipe to run (default: the decommission example).")
  Path recipe;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Give up after this long (e.g. 30s, 10m, 1h30m; default: 10m, with --qemu 45m).")
  Duration timeout;

  @Option(
      names = "--qemu",
      description =
          "Real machines: each BMC drives a QEMU VM that boots the maintenance ISO, runs the"
              + " real tool images and reboots into the installed OS (slow: TCG).")
  boolean qemu;

  @Option(
      names = "--maintenance-iso",
      paramLabel = "PATH",
      description = "With --qemu: the maintenance ISO (default: maintenance-os/target/mos/).")
  Path maintenanceIso;

  @Option(
      names = "--tools-bundle",
      paramLabel = "TAR",
      description =
          "With --qemu: the tool images, plinth-tools-VERSION.tar (default: the newest in"
              + " tools-images/target/images/).")
  Path toolsBundle;

  @Option(
      names = "--os-bundle",
      paramLabel = "TAR",
      description =
          "With --qemu: OS images to import, repeatable (default: the newest"
              + " plinth-ci-os-*.tar in tools-images/target/ci-os/).")
  List<Path> osBundles;

  @Option(
      names = "--qemu-firmware",
      defaultValue = "ovmf",
      description = "With --qemu: ovmf or seabios (default: ${DEFAULT-VALUE}).")
  String qemuFirmware;

  @Option(
      names = "--qemu-disk-size",
      defaultValue = "8G",
      paramLabel = "SIZE",
      description = "With --qemu: each VM's disk (default: ${DEFAULT-VALUE}).")
  String qemuDiskSize;

  @Option(names = "--quiet", description = "Only the summary.")
  boolean quiet;

  @Option(
      names = "--keep",
      description =
          "Keep the controller and the simulated fleet running after the jobs end, to look"
              + " around in the web console; Ctrl-C stops it.")
  boolean keep;

  @Option(
      names = "--bmc-latency",
      defaultValue = "0s",
      paramLabel = "DURATION",
      description =
          "Simulated time of every BMC answer (e.g. 200ms, 1s; default: ${DEFAULT-VALUE}).")
  Duration bmcLatency;

  @Option(
      names = "--power-transition",
      defaultValue = "0s",
      paramLabel = "DURATION",
      description = "Simulated time of every power change (default: ${DEFAULT-VALUE}).")
  Duration powerTransition;

  @Option(
      names = "--boot-time",
      defaultValue = "0s",
      paramLabel = "DURATION",
      description =
          "Simulated firmware POST plus maintenance OS boot, before the dispatcher runs"
              + " (default: ${DEFAULT-VALUE}).")
  Duration bootTime;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (data == null) {
      data = Files.createTempDirectory(qemu ? "plinth-demo-qemu-" : "plinth-demo-");
    }
    // A person reads progress and the summary here; the controller's JSON log lines go to a file.
    Path log = data.toAbsolutePath().resolve("plinth-demo.log");
    JsonLogging.toFile(log);
    out.println("plinth demo: logs in " + log);
    out.flush();
    if (qemu) {
      return QemuDemo.fromOptions(this).run(quiet ? null : out, out);
    }
    Path dir = data;
    int code =
        run(
            dir,
            machines == null ? 3 : machines,
            recipeText(),
            timeout == null ? Duration.ofMinutes(10) : timeout,
            new SimulatedFleet.Timing(bmcLatency, powerTransition, bootTime),
            quiet ? null : out,
            out,
            keep);
    out.println("data: " + dir);
    out.flush();
    return code;
  }

  String recipeText() throws IOException {
    if (recipe != null) {
      return CliFiles.readText(recipe, "the recipe's YAML or JSON file");
    }
    try (InputStream in =
        DemoCommand.class.getResourceAsStream("/dev/plinth/simulator/demo/demo-recipe.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Runs the demo in {@code dir}; returns 0 when every job succeeded.
   *
   * @param progress where progress lines go, or null
   */
  public static int run(
      Path dir,
      int n,
      String recipe,
      Duration timeout,
      SimulatedFleet.Timing timing,
      PrintWriter progress,
      PrintWriter out)
      throws Exception {
    return run(dir, n, recipe, timeout, timing, progress, out, false);
  }

  /**
   * @param keep stay up after the jobs end (the console to look at), until the process is stopped
   */
  static int run(
      Path dir,
      int n,
      String recipe,
      Duration timeout,
      SimulatedFleet.Timing timing,
      PrintWriter progress,
      PrintWriter out,
      boolean keep)
      throws Exception {
    Instant start = Instant.now();
    // The simulated servers boot a stand-in maintenance ISO; a real one is the maintenance-os's.
    Path maintenance = dir.resolve("simulated-maintenance.iso");
    SimulatedFleet.writeMaintenanceIso(maintenance);
    PlinthConfig c =
        new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("var"))
            .withMaintenanceIso(maintenance);
    Layout layout = new Layout(c.dataDir()).create();
    AdminToken admin = AdminToken.ensure(layout.adminToken(), layout.tmp());
    try (Registry registry = RegistryWiring.start(c, layout, admin, null);
        Controller ctl =
            Controller.start(
                c,
                new Controller.Parts(
                    new RedfishBmcDriver(),
                    new RecipesModuleCheck(),
                    null,
                    JobSettings.defaults().withDeadlines(timeout),
                    InstantSource.system(),
                    List.of(registry.routes())));
        SimulatedFleet fleet =
            new SimulatedFleet(
                n,
                dir.resolve("fleet"),
                Math.max(2, Runtime.getRuntime().availableProcessors() * 2),
                timing)) {
      out.printf(
          "plinth demo: controller on %s (admin token in %s), data in %s%n",
          ctl.baseUrl(), layout.adminToken(), dir);
      out.printf(
          "plinth demo: %d simulated BMCs on loopback (%s ...), BMC login %s / %s%n",
          n, fleet.bmcs().getFirst().url(), SimulatedFleet.USER, SimulatedFleet.PASSWORD);
      out.flush();
      publishTools(registry, ctl.baseUrl(), admin.token(), out);
      ApiClient api = new ApiClient(ctl.baseUrl(), admin.token());
      JsonNode link =
          api.post("/api/v1/sign-in-links", Map.of("role", "admin", "name", "plinth demo"));
      out.printf(
          "plinth demo: web console %s%s (a one-time sign-in link, good for %d minutes)%n",
          ctl.baseUrl(), link.path("path").asText(), SignInLinks.TTL.toMinutes());
      out.flush();
      Map<String, String> jobs = submit(api, fleet, n, recipe);
      Map<String, JsonNode> last = watch(api, jobs, start.plus(timeout).plusSeconds(30), progress);
      long ok =
          last.values().stream().filter(j -> "Succeeded".equals(j.path("state").asText())).count();
      out.printf(
          "plinth demo: %d of %d machines provisioned in %.1f s%n",
          ok, n, Duration.between(start, Instant.now()).toMillis() / 1000.0);
      out.println("plinth demo: " + JobTimes.of(last.values()));
      last.forEach(
          (id, j) -> {
            String st = j.path("state").asText();
            if (!"Succeeded".equals(st)) {
              out.printf("  %s %s %s: %s%n", jobs.get(id), id, st, j.path("reason").asText("-"));
            }
          });
      fleet.errors.forEach((bmc, e) -> out.printf("  %s: %s%n", bmc, e));
      out.flush();
      if (keep) {
        out.printf(
            "plinth demo: --keep: the controller stays up at %s/ (admin token in %s); Ctrl-C"
                + " stops it%n",
            ctl.baseUrl(), layout.adminToken());
        out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
      }
      return ok == n ? 0 : 1;
    }
  }

  /**
   * Adds the machines and submits a job for each, a few at a time: in a large fleet, one after
   * another would make the submissions, not the machines, the critical path.
   */
  private static Map<String, String> submit(
      ApiClient api, SimulatedFleet fleet, int n, String recipe) throws Exception {
    List<String> bmcs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      bmcs.add(fleet.bmcs().get(i).url().toString());
    }
    return submit(api, bmcs, SimulatedFleet.USER, SimulatedFleet.PASSWORD, recipe);
  }

  /** Adds machine {@code sim-i} for BMC {@code bmcs[i]} and submits a job for each. */
  static Map<String, String> submit(
      ApiClient api, List<String> bmcs, String user, String password, String recipe)
      throws Exception {
    int n = bmcs.size();
    Map<String, String> jobs = new ConcurrentHashMap<>();
    try (ExecutorService submitters =
        Executors.newFixedThreadPool(SUBMITTERS, Thread.ofVirtual().factory())) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "sim-" + i;
        String bmc = bmcs.get(i);
        done.add(
            submitters.submit(
                () -> {
                  api.post(
                      "/api/v1/machines",
                      Map.of(
                          "name",
                          name,
                          "bmc",
                          Map.of(
                              "url", bmc,
                              "username", user,
                              "password", password)));
                  JsonNode j =
                      api.post("/api/v1/jobs", Map.of("machine", name, "recipeText", recipe));
                  jobs.put(j.path("id").asText(), name);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          throw e;
        }
      }
    }
    return jobs;
  }

  /**
   * Polls the jobs until all are final (or the deadline), printing each change; returns each job as
   * last listed.
   */
  static Map<String, JsonNode> watch(
      ApiClient api, Map<String, String> jobs, Instant deadline, PrintWriter progress)
      throws InterruptedException {
    Map<String, String> seen = new HashMap<>();
    Map<String, JsonNode> last = new LinkedHashMap<>();
    while (true) {
      String after = null;
      do {
        JsonNode page =
            api.get("/api/v1/jobs?limit=500" + (after == null ? "" : "&after=" + after));
        for (JsonNode j : page.path("items")) {
          String id = j.path("id").asText();
          if (!jobs.containsKey(id)) {
            continue;
          }
          String st = j.path("state").asText();
          last.put(id, j);
          String shown =
              st + (j.hasNonNull("lastStep") ? " (" + j.path("lastStep").asText() + ")" : "");
          if (progress != null && !shown.equals(seen.put(id, shown))) {
            progress.printf(
                "%s  %-8s %s%n",
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS), jobs.get(id), shown);
            progress.flush();
          }
        }
        after = page.path("next").asText(null);
      } while (after != null);
      boolean done =
          last.size() == jobs.size()
              && last.values().stream().allMatch(j -> FINAL.contains(j.path("state").asText()));
      if (done || Instant.now().isAfter(deadline)) {
        return last;
      }
      Thread.sleep(500);
    }
  }

  /**
   * The real tool images when the build made them ({@code tools-images/target/images}): the recipe
   * then resolves to the digests a real server would pull, though the local runner still simulates
   * what they do. Else placeholders, and a line saying how to build the real ones.
   */
  static void publishTools(Registry registry, String base, String token, PrintWriter out)
      throws Exception {
    Path root = QemuDemo.repositoryRoot();
    Path bundle =
        root == null
            ? null
            : QemuDemo.newest(root.resolve("tools-images/target/images"), "plinth-tools-");
    if (bundle != null) {
      registry.transfer().importLayout(bundle, null, dev.plinth.registry.transfer.Progress.none());
      out.printf(
          "plinth demo: tool images: %s (real images; the servers simulate running them)%n",
          bundle);
    } else {
      DemoImages.publishTools(base, token);
      out.println(
          "plinth demo: tool images: placeholders (build the real ones with tools-images/build.sh"
              + " build --out tools-images/target/images)");
    }
    out.flush();
  }
}
