/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.plinth.controller.Layout;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.MachineStates;
import dev.plinth.controller.store.MachineStore;
import dev.plinth.controller.testing.TestController;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.ReferenceResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The execution plan: compiled once at submit (every image pinned), stored with the job, and the
 * only input of the task ISO and of registry scoping.
 */
class JobPlanTest {

  static final Path LINUX = Path.of("../recipes/examples/linux-rootfs-uefi-grub-cloud-init.yaml");
  static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest ops@example";
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final String BASE = "http://ctl.example:8080";
  static final String INVENTORY =
      "{\"serialNumber\":\"SN-1\",\"macAddresses\":[\"52:54:00:12:34:56\"]}";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  final SecretBox box = SecretBox.of(new byte[32]);
  // The registry: a test moves its tags (another digest for every reference) or takes it away.
  final AtomicReference<ReferenceResolver> registry =
      new AtomicReference<>(TestController.FIXTURE_RESOLVER);
  final ReferenceResolver live = ref -> registry.get().resolve(ref);

  private Machine machine(Database db) {
    Machine m =
        new MachineStore(db)
            .create(
                new Machine(
                    "m-1",
                    "m1",
                    "https://10.0.0.1",
                    "root",
                    box.seal("pw", BmcTargets.context("m-1")),
                    false,
                    Map.of(),
                    INVENTORY,
                    1,
                    T0,
                    T0));
    // Enrolled (its BMC checked, its inventory read): it takes jobs.
    new MachineLifecycle(new MachineStates(db), InstantSource.fixed(T0))
        .fire(m.id(), m.name(), MachineEvent.ENROLLED, null);
    return m;
  }

  private JobService service(JobStore jobs) {
    return new JobService(
        jobs, box, JobSettings.defaults(), InstantSource.fixed(T0), () -> {}, registry::get);
  }

  private TaskIsos isos(Database db, Layout layout) {
    JobStore jobs = new JobStore(db);
    return new TaskIsos(
        jobs,
        new MachineStore(db),
        box,
        new TaskBuilder(live, "ctl.example:8080", jobs),
        layout,
        BASE);
  }

  private static Job submit(JobService s, Machine m) throws Exception {
    byte[] source = Files.readAllBytes(LINUX);
    ParseResult parsed = s.parse(source);
    assertThat(parsed.errors()).isEmpty();
    JsonNode json = YAML.readTree(source);
    return s.submit(m, json, (ParseResult.Valid) parsed, Map.of("sshKey", KEY));
  }

  /** Every reference resolves to a digest other than the fixture registry's. */
  private static Optional<String> moved(dev.plinth.recipes.model.ImageRef ref) {
    return Optional.of("sha256:" + "e".repeat(64));
  }

  @Test
  void submitStoresThePinnedPlanAndTheTaskComesFromItAlone() throws Exception {
    Layout layout = new Layout(dir.resolve("data")).create();
    try (Database db = Database.sqlite(dir.resolve("plinth.db"))) {
      JobStore jobs = new JobStore(db);
      Machine m = machine(db);
      Job j = submit(service(jobs), m);

      JobPlan plan = JobPlan.parse(jobs.plan(j.id()).orElseThrow());
      assertThat(plan.planVersion()).isEqualTo(JobPlan.VERSION);
      assertThat(plan.jobId()).isEqualTo(j.id());
      assertThat(plan.machineName()).isEqualTo("m1");
      assertThat(plan.variables())
          .containsEntry("machine.macs[0]", "52:54:00:12:34:56")
          .containsEntry("machine.serial", "SN-1")
          .containsEntry("inputs.sshKey", KEY)
          .containsEntry("job.id", j.id());
      assertThat(plan.images())
          .isNotEmpty()
          .allSatisfy((ref, d) -> assertThat(d).startsWith("sha256:"));
      assertThat(plan.plan().steps())
          .isNotEmpty()
          .allSatisfy(s -> assertThat(s.image()).contains("@sha256:"));
      assertThat(plan.repositories()).isNotEmpty();
      assertThat(RecipeRepositories.of(plan))
          .containsExactlyInAnyOrderElementsOf(plan.repositories());
      // The stable form: written, read, written again: the same text.
      assertThat(JobPlan.parse(plan.json()).json()).isEqualTo(plan.json());

      // Tags move and then the registry goes away: the task still runs what was accepted.
      registry.set(JobPlanTest::moved);
      TaskIsos isos = isos(db, layout);
      var task = isos.task(j);
      registry.set(null);
      assertThat(isos.task(j)).isEqualTo(task);
      for (int i = 0; i < task.steps().size(); i++) {
        assertThat(task.steps().get(i).image())
            .isEqualTo("ctl.example:8080/" + plan.plan().steps().get(i).image());
      }
      assertThat(task.recipe()).isEqualTo("ubuntu-2404-web");
      assertThat(task.disk()).isNotNull();
    }
  }

  @Test
  void theTaskIsoIsAPureFunctionOfTheStoredJob() throws Exception {
    Layout layout = new Layout(dir.resolve("data")).create();
    String id;
    byte[] first;
    try (Database db = Database.sqlite(dir.resolve("plinth.db"))) {
      Machine m = machine(db);
      id = submit(service(new JobStore(db)), m).id();
      Job j = new JobStore(db).get(id).orElseThrow();
      Path iso = isos(db, layout).write(j);
      first = Files.readAllBytes(iso);
      assertThat(isos(db, layout).write(j)).isEqualTo(iso);
      assertThat(Files.readAllBytes(iso)).isEqualTo(first);
      Files.delete(iso);
    }
    // Another controller: the database reopened, the job read back, the registry's tags moved and
    // the machine's inventory changed since the submit. Same bytes.
    registry.set(JobPlanTest::moved);
    Layout other = new Layout(dir.resolve("other")).create();
    try (Database db = Database.sqlite(dir.resolve("plinth.db"))) {
      MachineStore machines = new MachineStore(db);
      Machine m = machines.byName("m1").orElseThrow();
      machines.update(
          new Machine(
              m.id(),
              m.name(),
              m.bmcUrl(),
              m.bmcUsername(),
              m.sealedPassword(),
              m.bmcInsecure(),
              m.labels(),
              "{\"serialNumber\":\"SN-2\",\"macAddresses\":[\"52:54:00:ff:ff:ff\"]}",
              m.version(),
              m.createdAt(),
              T0.plusSeconds(60)),
          m.version());
      Optional<Path> rebuilt = isos(db, other).rebuild(id);
      assertThat(rebuilt).isPresent();
      assertThat(Files.readAllBytes(rebuilt.get())).isEqualTo(first);
      assertThat(Files.getLastModifiedTime(rebuilt.get()).toInstant()).isEqualTo(T0);
      assertThat(isos(db, other).rebuild("j-none")).isEmpty();
    }
  }

  @Test
  void aJobStoredWithoutAPlanIsCompiledAtFirstUseAndKeepsThatPlan() throws Exception {
    Layout layout = new Layout(dir.resolve("data")).create();
    try (Database db = Database.sqlite(dir.resolve("plinth.db"))) {
      JobStore jobs = new JobStore(db);
      Machine m = machine(db);
      // As a job submitted before V4 is stored: its recipe (JSON), no plan.
      Job old =
          new Job(
              "j-old",
              m.id(),
              m.name(),
              "10.0.0.1",
              YAML.readTree(Files.readAllBytes(LINUX)).toString(),
              dev.plinth.controller.store.JobState.PENDING,
              null,
              null,
              T0.plusSeconds(600),
              false,
              "h-old",
              JobSecrets.create().seal(box, "j-old"),
              "media-old",
              1,
              null,
              null,
              1,
              T0,
              T0,
              null,
              Map.of("sshKey", KEY));
      jobs.create(old);
      assertThat(jobs.plan("j-old")).isEmpty();
      TaskIsos isos = isos(db, layout);
      long before = PlanCompiler.parses();
      JobPlan compiled = isos.plan(old);
      assertThat(PlanCompiler.parses() - before).isEqualTo(1);
      assertThat(jobs.plan("j-old")).hasValue(compiled.json());
      // Stored once: the tags move, yet every later reader gets the first plan, without parsing.
      registry.set(JobPlanTest::moved);
      assertThat(isos.plan(old)).isEqualTo(compiled);
      assertThat(new RecipeRepositories(isos).apply(old)).isEqualTo(compiled.repositories());
      assertThat(PlanCompiler.parses() - before).isEqualTo(1);
      assertThat(jobs.storePlan("j-old", "{}")).isFalse();
    }
  }

  @Test
  void aPlanOfAnotherFormatIsRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> JobPlan.parse("{\"planVersion\":2,\"plan\":{}}"));
    assertThat(e.getMessage()).contains("plan format 2");
    assertThrows(IllegalArgumentException.class, () -> JobPlan.parse("{\"steps\":[]}"));
  }

  /**
   * The recipe is compiled once: from the submission to the task ISO and the registry's scoping,
   * the recipe parser runs once.
   */
  @Test
  void fromSubmitToTaskIsoAndRegistryScopingTheRecipeIsParsedOnce() throws Exception {
    Layout layout = new Layout(dir.resolve("data")).create();
    try (Database db = Database.sqlite(dir.resolve("plinth.db"))) {
      JobStore jobs = new JobStore(db);
      Machine m = machine(db);
      long before = PlanCompiler.parses();
      Job j = submit(service(jobs), m);
      TaskIsos isos = isos(db, layout);
      isos.write(j);
      isos.rebuild(j.id());
      new TaskBuilder(live, "ctl.example:8080", jobs)
          .task(j, m, JobSecrets.open(box, j.id(), j.sealedSecret()), BASE);
      assertThat(new RecipeRepositories(isos).apply(j)).isNotEmpty();
      assertThat(PlanCompiler.parses() - before).isEqualTo(1);
    }
  }
}
