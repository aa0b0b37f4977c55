/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static dev.plinth.controller.testing.TestController.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.testing.FakeBmc;
import dev.plinth.controller.testing.SimulatedServer;
import dev.plinth.controller.testing.TestController;
import dev.plinth.iso.IsoReader;
import dev.plinth.iso.IsoRemaster;
import dev.plinth.iso.IsoTree;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs end to end through the engine, a fake BMC and a simulated server reporting by webhook. */
class EngineIT {

  static final String RECIPE =
      "{\"apiVersion\":\"plinth.dev/v1\",\"kind\":\"Recipe\",\"metadata\":{\"name\":\"wipe\"},"
          + "\"steps\":[{\"name\":\"erase\",\"wipe\":{\"method\":\"secure-erase\",\"disks\":\"all\"}}]}";

  @TempDir Path dir;
  TestController t;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  TestController start(FakeBmc bmc, JobSettings s) throws Exception {
    return start(bmc, s, 0);
  }

  TestController start(FakeBmc bmc, JobSettings s, int port) throws Exception {
    t =
        new TestController(
            dir.resolve("data"), bmc, s, null, TestController.FIXTURE_RESOLVER, port);
    open.add(t);
    return t;
  }

  static JobSettings fast() {
    return JobSettings.defaults().withDeadlines(Duration.ofSeconds(30));
  }

  String addMachine(String name) throws Exception {
    var r =
        t.call(
            "POST",
            "/api/v1/machines",
            "{\"name\":\""
                + name
                + "\",\"bmc\":{\"url\":\"https://10.1.0."
                + (name.hashCode() & 0x7f)
                + "\",\"username\":\"root\",\"password\":\"pw\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return name;
  }

  String submit(String machine) throws Exception {
    var r =
        t.call(
            "POST", "/api/v1/jobs", "{\"machine\":\"" + machine + "\",\"recipe\":" + RECIPE + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("id").asText();
  }

  JsonNode awaitState(String id, String... states) throws Exception {
    Instant until = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(until)) {
      JsonNode j = json(t.call("GET", "/api/v1/jobs/" + id, null));
      for (String s : states) {
        if (s.equals(j.get("state").asText())) {
          return j;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "job "
            + id
            + " never reached "
            + List.of(states)
            + ": "
            + t.call("GET", "/api/v1/jobs/" + id, null).body()
            + "; events: "
            + t.call("GET", "/api/v1/jobs/" + id + "/events", null).body());
  }

  @Test
  void aJobGoesFromPendingToSucceededThroughTheBmcAndTheWebhook() throws Exception {
    SimulatedServer sim = new SimulatedServer(Files.createDirectories(dir.resolve("sim")));
    FakeBmc bmc = new FakeBmc().onIsoBoot(sim::boot);
    start(bmc, fast());
    addMachine("m1");
    String id = submit("m1");
    JsonNode done = awaitState(id, "Succeeded", "Failed", "TimedOut");
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("Succeeded");
    assertThat(sim.errors).isEmpty();
    assertThat(bmc.callsOf("m1")).hasSize(2);
    assertThat(bmc.callsOf("m1").get(0))
        .startsWith("m1:bootFromIso:" + t.controller.baseUrl() + "/media/");
    assertThat(bmc.callsOf("m1").get(1)).isEqualTo("m1:bootFromDisk");
    assertThat(bmc.maintenance.get("m1"))
        .isEqualTo(URI.create(t.controller.baseUrl() + "/media/maintenance.iso"));
    var task = sim.tasks.getFirst();
    assertThat(task.jobId()).isEqualTo(id);
    assertThat(task.steps()).isNotEmpty();
    assertThat(task.steps().getFirst().image()).contains("@sha256:");
    var types =
        json(t.call("GET", "/api/v1/jobs/" + id + "/events?limit=500", null))
            .get("items")
            .findValuesAsText("type");
    assertThat(types)
        .contains("job.created", "booted", "step.started", "step.succeeded", "finished");
    assertThat(types.stream().filter("job.state"::equals).count()).isEqualTo(5);
    String metrics = t.call("GET", "/metrics", null, null).body();
    assertThat(metrics)
        .contains("plinth_jobs{state=\"Succeeded\"} 1.0")
        .contains("plinth_bmc_call_seconds_count{operation=\"session\",outcome=\"ok\"} 2")
        .contains("plinth_webhook_events_total{outcome=\"202\"}");
    // The media URL dies with the job.
    String media = bmc.callsOf("m1").get(0).substring("m1:bootFromIso:".length());
    assertThat(
            t.call("GET", media.substring(t.controller.baseUrl().length()), null, null)
                .statusCode())
        .isEqualTo(404);
  }

  /** A maintenance ISO in the real one's boot layout (ISOLINUX and GRUB entries). */
  static void writeBootIso(Path out) throws Exception {
    IsoTree tree = IsoTree.create();
    tree.addFile("isolinux/isolinux.bin", new byte[2048]);
    tree.addFile(
        "isolinux/isolinux.cfg",
        "LABEL p\n  KERNEL /boot/vmlinuz\n  APPEND console=ttyS0\n".getBytes(UTF_8));
    tree.addFile("boot/grub/grub.cfg", "menuentry p {\n  linux /boot/vmlinuz\n}\n".getBytes(UTF_8));
    tree.addFile("boot/efiboot.img", new byte[32 * 1024]);
    Files.deleteIfExists(out);
    IsoRemaster.hybridBootWriter("PLINTH-MOS", "TEST", new byte[432], 1_700_000_000L)
        .write(tree, out);
  }

  @Test
  void aOneSlotBmcBootsTheJobsOwnMaintenanceIsoNamingTheTaskIsoAndTwoSlotsBootBoth()
      throws Exception {
    SimulatedServer sim = new SimulatedServer(Files.createDirectories(dir.resolve("sim")));
    List<String> cfgs = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> fetched = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    FakeBmc bmc = new FakeBmc();
    bmc.onIsoBoot(
        (m, task) -> {
          try {
            // What the BMC reads: the ISO in the boot slot, by its URL.
            Path got = dir.resolve(m + ".iso");
            URI boot = bmc.maintenance.get(m);
            fetched.add(m + " " + boot);
            http.send(HttpRequest.newBuilder(boot).build(), HttpResponse.BodyHandlers.ofFile(got));
            try (IsoReader r = IsoReader.open(got)) {
              cfgs.add(
                  m
                      + " "
                      + new String(r.readAllBytes("isolinux/isolinux.cfg", 4096), UTF_8)
                      + new String(r.readAllBytes("boot/grub/grub.cfg", 4096), UTF_8));
            }
            try (var files = Files.walk(t.controller.layout().media())) {
              for (Path p : files.filter(f -> f.endsWith("maintenance.iso")).toList()) {
                if (!p.getParent().equals(t.controller.layout().media())) {
                  cfgs.add(
                      m
                          + "-mode "
                          + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                }
              }
            }
          } catch (Exception e) {
            cfgs.add(m + " " + e);
          }
          sim.boot(m, task);
        });
    bmc.oneSlotMachines.add("one");
    start(bmc, fast());
    writeBootIso(t.controller.layout().media().resolve("maintenance.iso"));
    addMachine("one");
    addMachine("two");
    String a = submit("one");
    String b = submit("two");
    for (String id : List.of(a, b)) {
      JsonNode done = awaitState(id, "Succeeded", "Failed", "TimedOut");
      assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("Succeeded");
    }
    assertThat(sim.errors).isEmpty();
    String base = t.controller.baseUrl();
    // Two slots: the shared maintenance ISO, the task ISO beside it.
    assertThat(bmc.maintenance.get("two")).isEqualTo(URI.create(base + "/media/maintenance.iso"));
    assertThat(bmc.callsOf("two").getFirst()).matches("two:bootFromIso:.*/media/[^/]+/task.iso");
    // One slot: the job's own maintenance ISO, whose boot entries name the task ISO's URL.
    String own = bmc.maintenance.get("one").toString();
    assertThat(own).startsWith(base + "/media/").endsWith("/maintenance.iso");
    assertThat(bmc.callsOf("one").getFirst()).isEqualTo("one:bootFromIso:" + own);
    String task = own.replace("/maintenance.iso", "/task.iso");
    String cfg = cfgs.stream().filter(c -> c.startsWith("one ")).findFirst().orElseThrow();
    assertThat(cfg)
        .contains("APPEND console=ttyS0 plinth.task=" + task + "\n")
        .contains("linux /boot/vmlinuz 'plinth.task=" + task + "'\n");
    assertThat(cfgs.stream().filter(c -> c.startsWith("two ")).findFirst().orElseThrow())
        .doesNotContain("plinth.task=");
    // The job's own ISO holds the task URL: readable by the controller only.
    assertThat(cfgs).contains("one-mode rw-------");
    // Both jobs' media went with them.
    assertThat(t.call("GET", own.substring(base.length()), null, null).statusCode()).isEqualTo(404);
    assertThat(t.controller.layout().media().resolve(a)).doesNotExist();
  }

  @Test
  void aOneSlotBmcWithAMaintenanceIsoThatCannotBeRemasteredFailsTheJobSayingWhy() throws Exception {
    FakeBmc bmc = new FakeBmc();
    bmc.oneSlotMachines.add("m1");
    start(bmc, fast()); // the stand-in maintenance ISO: no ISOLINUX or GRUB entries
    addMachine("m1");
    String id = submit("m1");
    JsonNode done = awaitState(id, "Succeeded", "Failed", "TimedOut");
    assertThat(done.get("state").asText()).isEqualTo("Failed");
    assertThat(done.toString()).contains("one virtual media slot").contains("isolinux");
  }

  @Test
  void withoutAMaintenanceIsoAJobFailsAtBootSayingWhatToSet() throws Exception {
    FakeBmc bmc = new FakeBmc();
    start(bmc, fast());
    Files.delete(t.controller.layout().media().resolve("maintenance.iso"));
    addMachine("m1");
    String id = submit("m1");
    JsonNode done = awaitState(id, "Succeeded", "Failed", "TimedOut");
    assertThat(done.get("state").asText()).isEqualTo("Failed");
    assertThat(done.toString())
        .contains("no maintenance ISO at")
        .contains("media.maintenanceIso")
        .contains("PLINTH_MAINTENANCE_ISO");
    assertThat(bmc.callsOf("m1")).noneMatch(c -> c.contains("bootFromIso"));
  }

  @Test
  void aFailedStepFailsTheJobWithItsReason() throws Exception {
    SimulatedServer sim = new SimulatedServer(Files.createDirectories(dir.resolve("sim")));
    start(new FakeBmc().onIsoBoot(sim::boot), fast());
    addMachine("m1");
    String id = submit("m1");
    // The failing step is whatever the recipe expands to first.
    JsonNode running = awaitState(id, "Booting", "Running", "Succeeded");
    assertThat(running).isNotNull();
    JsonNode done = awaitState(id, "Succeeded", "Failed");
    String first = sim.tasks.getFirst().steps().getFirst().name();
    sim.failing(first);
    String id2 = submit("m1");
    JsonNode failed = awaitState(id2, "Failed", "Succeeded");
    assertThat(done.get("state").asText()).isEqualTo("Succeeded");
    assertThat(failed.get("state").asText()).isEqualTo("Failed");
    assertThat(failed.get("reason").asText()).contains(first);
  }

  @Test
  void cancelEjectsMediaAndEndsTheJob() throws Exception {
    FakeBmc bmc = new FakeBmc(); // no server behind it: the job waits in Booting
    start(bmc, fast());
    addMachine("m1");
    String id = submit("m1");
    awaitState(id, "Booting");
    Instant until = Instant.now().plusSeconds(10);
    while (bmc.callsOf("m1").isEmpty() && Instant.now().isBefore(until)) {
      Thread.sleep(20);
    }
    t.call("POST", "/api/v1/jobs/" + id + "/cancel", null);
    JsonNode done = awaitState(id, "Canceled");
    assertThat(done.get("reason").asText()).contains("canceled");
    // The end is stored first (fenced by the lease), the eject follows it.
    Instant ejectBy = Instant.now().plusSeconds(10);
    while (!bmc.callsOf("m1").contains("m1:eject") && Instant.now().isBefore(ejectBy)) {
      Thread.sleep(20);
    }
    assertThat(bmc.callsOf("m1")).contains("m1:eject");
  }

  @Test
  void aJobThatHearsNothingTimesOutWithAClearReason() throws Exception {
    start(new FakeBmc(), JobSettings.defaults().withDeadlines(Duration.ofMillis(1500)));
    addMachine("m1");
    String id = submit("m1");
    JsonNode done = awaitState(id, "TimedOut");
    assertThat(done.get("reason").asText()).contains("no progress in Booting");
  }

  @Test
  void transientBmcErrorsAreRetriedAndPermanentOnesFail() throws Exception {
    SimulatedServer sim = new SimulatedServer(Files.createDirectories(dir.resolve("sim")));
    FakeBmc bmc = new FakeBmc().onIsoBoot(sim::boot);
    start(bmc, fast());
    addMachine("m1");
    bmc.failNext("m1", 3);
    String id = submit("m1");
    JsonNode done = awaitState(id, "Succeeded", "Failed", "TimedOut");
    assertThat(done.get("state").asText()).isEqualTo("Succeeded");
    var types =
        json(t.call("GET", "/api/v1/jobs/" + id + "/events?limit=500", null))
            .get("items")
            .findValuesAsText("type");
    assertThat(types.stream().filter("bmc.error"::equals).count()).isEqualTo(3);
  }

  @Test
  void restartResumesEveryJobAndRunsEachOnce() throws Exception {
    SimulatedServer sim = new SimulatedServer(Files.createDirectories(dir.resolve("sim")));
    sim.stepTime = Duration.ofMillis(300);
    FakeBmc bmc = new FakeBmc().onIsoBoot(sim::boot);
    int port = TestController.freePort();
    start(bmc, fast(), port);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(submit(addMachine("r" + i)));
    }
    awaitState(ids.getFirst(), "Booting", "Running", "Finishing", "Succeeded");
    // Stop the controller mid-run (engine, server, database), then start a new one on the data.
    t.close();
    open.remove(t);
    Thread.sleep(200);
    start(bmc, fast(), port);
    for (String id : ids) {
      assertThat(awaitState(id, "Succeeded", "Failed", "TimedOut").get("state").asText())
          .isEqualTo("Succeeded");
    }
    assertThat(sim.errors).isEmpty();
    assertThat(sim.tasks)
        .extracting(dev.plinth.contract.Task::jobId)
        .as("each job's dispatcher ran once")
        .containsExactlyInAnyOrderElementsOf(ids);
    for (int i = 0; i < 6; i++) {
      assertThat(bmc.callsOf("r" + i).stream().filter(c -> c.endsWith("bootFromDisk")).count())
          .as("r" + i + " returned to disk once")
          .isEqualTo(1);
    }
  }
}
