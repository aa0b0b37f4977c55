/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.contract.DiskRules;
import dev.plinth.contract.MachineRef;
import dev.plinth.contract.OnFailure;
import dev.plinth.contract.StepMount;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.contract.TaskStep;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Machine;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.recipes.model.ByteSize;
import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.DiskMatch;
import dev.plinth.recipes.model.DiskSelection;
import dev.plinth.recipes.model.Prefer;
import dev.plinth.recipes.plan.ExpandedStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a job's Task ISO v1 (DESIGN contract) from its {@link JobPlan} (the recipe compiled at
 * submit: generic steps with every image pinned to a digest), the controller's URLs and the job's
 * credentials, as {@code task.json} and {@code SHA256SUMS} in an ISO labelled {@code PLINTH-TASK}.
 * The same job gives the same bytes ({@code SOURCE_DATE_EPOCH} is the job's creation time), so
 * rebuilding after a crash, or on another controller ({@link TaskIsos#rebuild}), is harmless.
 */
public final class TaskBuilder {

  private static final System.Logger LOG = System.getLogger(TaskBuilder.class.getName());

  /** The recipe cannot run: its message is the job's failure reason. */
  public static final class TaskException extends Exception {
    private static final long serialVersionUID = 1L;

    public TaskException(String message) {
      super(message);
    }
  }

  private final PlanCompiler legacy;
  private final String registryHost;
  private volatile PullRegistry pull = PullRegistry.embedded();

  /**
   * Machines pull from {@code p} (an external registry: its URL, pull account and CA go into every
   * task) rather than from the controller's embedded registry. Set before the first task is built.
   */
  public TaskBuilder pullingFrom(PullRegistry p) {
    this.pull = p;
    return this;
  }

  private volatile java.util.List<String> toolSigningKeys = java.util.List.of();

  /**
   * Puts the site's image-signing public keys (PEM) in every task ({@code toolSigningKeys}, Task
   * ISO v1): the dispatcher then pulls step images only with a signature by one of them. Set before
   * the first task is built.
   */
  public TaskBuilder toolSigningKeys(java.util.List<String> pems) {
    this.toolSigningKeys = java.util.List.copyOf(pems);
    return this;
  }

  /**
   * Reads {@code tools.signingKeys} (PEM public key files), refusing a file that is missing or not
   * one public key, at start rather than in every job.
   *
   * @throws IllegalArgumentException naming the file
   */
  public static java.util.List<String> readToolSigningKeys(
      java.util.List<java.nio.file.Path> files) {
    java.util.List<String> pems = new java.util.ArrayList<>();
    for (java.nio.file.Path f : files) {
      try {
        String pem = java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.US_ASCII);
        dev.plinth.contract.ToolSigningKeys.parse(pem);
        pems.add(pem);
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("tools.signingKeys: " + f + ": " + e.getMessage(), e);
      }
    }
    if (pems.size() > dev.plinth.contract.ToolSigningKeys.MAX_KEYS) {
      throw new IllegalArgumentException(
          "tools.signingKeys: at most "
              + dev.plinth.contract.ToolSigningKeys.MAX_KEYS
              + " keys, has "
              + pems.size());
    }
    return pems;
  }

  private final JobStore plans;

  /**
   * A builder without a store: every job is compiled from its recipe when its task is built (tests,
   * and the form before plans were stored).
   *
   * @param resolver pins image references to digests (the registry)
   * @param registryHost the host:port machines pull images from
   */
  public TaskBuilder(ReferenceResolver resolver, String registryHost) {
    this(resolver, registryHost, null);
  }

  /**
   * @param resolver pins image references to digests (the registry), for jobs stored without a plan
   *     only (submitted before plans were stored): the others carry theirs
   * @param registryHost the host:port machines pull images from
   * @param plans where jobs' plans are stored (a plan compiled for a job without one is stored
   *     there), or null for none
   */
  public TaskBuilder(ReferenceResolver resolver, String registryHost, JobStore plans) {
    this.legacy = new PlanCompiler(() -> resolver);
    this.registryHost = registryHost;
    this.plans = plans;
  }

  /**
   * The task of a job from its plan alone, without the recipe: a pure function of the plan, the
   * job's id and machine id, its secrets, the base URL and the registry host (both from the
   * controller's public URL).
   */
  public Task task(JobPlan plan, Job job, JobSecrets secrets, String baseUrl) {
    if (!plan.jobId().equals(job.id())) {
      throw new IllegalArgumentException("the plan of " + plan.jobId() + " is not " + job.id());
    }
    List<TaskStep> steps = new ArrayList<>();
    for (ExpandedStep s : plan.plan().steps()) {
      steps.add(step(s));
    }
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return new Task(
        Task.API_VERSION,
        Task.KIND,
        job.id(),
        plan.plan().recipe(),
        new MachineRef(job.machineId(), null, null),
        pull.urls(base, job.id()),
        registryHost,
        pull.caBundle(),
        pull.credentials(secrets),
        steps,
        disk(plan.plan().disk()),
        toolSigningKeys);
  }

  /**
   * The task of a job: from its stored plan, without the recipe; a job stored without one (or a
   * builder without a store) has its recipe compiled now with {@code machine}'s variables.
   */
  public Task task(Job job, Machine machine, JobSecrets secrets, String baseUrl)
      throws TaskException {
    return task(plan(job, Optional.of(machine)), job, secrets, baseUrl);
  }

  /**
   * The job's plan as stored; for a job stored without one (submitted before plans were stored),
   * its recipe compiled now, pinning references now, and stored (the first one stored wins when
   * controllers race, so every reader sees the same plan).
   *
   * @param machine the job's machine if it is still known (its inventory's variables)
   * @throws TaskException when there is no plan and the recipe is invalid or cannot be expanded
   */
  public JobPlan plan(Job job, Optional<Machine> machine) throws TaskException {
    Optional<String> stored = plans == null ? Optional.empty() : plans.plan(job.id());
    if (stored.isPresent()) {
      return read(job, stored.get());
    }
    JobPlan compiled = compileStored(job, machine);
    if (plans == null || plans.storePlan(job.id(), compiled.json())) {
      return compiled;
    }
    return read(job, plans.plan(job.id()).orElseThrow());
  }

  private static JobPlan read(Job job, String json) throws TaskException {
    try {
      return JobPlan.parse(json);
    } catch (IllegalArgumentException e) {
      throw new TaskException("the stored plan of " + job.id() + ": " + e.getMessage());
    }
  }

  private JobPlan compileStored(Job job, Optional<Machine> machine) throws TaskException {
    ParseResult parsed = legacy.parseStored(job);
    if (!(parsed instanceof ParseResult.Valid v)) {
      throw new TaskException("recipe is invalid: " + parsed.errors().getFirst().format());
    }
    PlanCompiler.Result r;
    try {
      r = legacy.compileStored(v, job, machine);
    } catch (PlanCompiler.NotReady e) {
      throw new TaskException(e.getMessage());
    }
    if (!(r instanceof PlanCompiler.Result.Compiled c)) {
      throw new TaskException("recipe cannot be expanded: " + r.errors().getFirst().format());
    }
    LOG.log(System.Logger.Level.INFO, "job {0}: plan compiled from its stored recipe", job.id());
    return c.plan();
  }

  private TaskStep step(ExpandedStep s) {
    List<String> devices =
        s.devices().stream()
            .map(d -> d == DeviceClass.ALL_DISKS ? TaskStep.ALL_DISKS : TaskStep.TARGET_DISK)
            .toList();
    return new TaskStep(
        s.name(),
        registryHost + "/" + s.image(),
        s.args(),
        s.env(),
        (int) Math.min(Integer.MAX_VALUE, s.timeoutSeconds()),
        s.retries(),
        s.onFailure().name().equals("CONTINUE") ? OnFailure.CONTINUE : OnFailure.ABORT,
        devices,
        s.mounts().stream().map(m -> new StepMount(m, m, false)).toList(),
        s.privileged(),
        s.files());
  }

  /** The recipe's disk rules in the task's form; null when no step needs the target disk. */
  static DiskRules disk(Optional<DiskSelection> sel) {
    if (sel.isEmpty()) {
      return null;
    }
    DiskMatch m = sel.get().match();
    return new DiskRules(
        m.byPath().orElse(null),
        m.serial().orElse(null),
        m.wwn().orElse(null),
        m.model().orElse(null),
        m.rotational().orElse(null),
        m.transport().map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).orElse(null),
        m.minSize().map(ByteSize::bytes).orElse(null),
        m.maxSize().map(ByteSize::bytes).orElse(null),
        sel.get().prefer() == Prefer.LARGEST ? DiskRules.LARGEST : DiskRules.SMALLEST);
  }

  /**
   * Writes the task ISO to {@code target} atomically (staged in {@code tmp}, then renamed).
   *
   * @return the ISO's size
   */
  public static long writeIso(Task task, long sourceDateEpoch, Path target, Path tmp)
      throws IOException {
    IsoTree tree = IsoTree.create();
    for (var f : TaskIsoV1.files(task).entrySet()) {
      tree.addFile(f.getKey(), f.getValue(), 0444);
    }
    IsoWriter w =
        IsoWriter.builder()
            .volumeId(TaskIsoV1.VOLUME_LABEL)
            .sourceDateEpoch(sourceDateEpoch)
            .rockRidge(true)
            .joliet(true)
            .build();
    Files.createDirectories(target.getParent());
    Path staged = Files.createTempFile(tmp, "task-", ".iso");
    try {
      long n;
      try (var ch =
          java.nio.channels.FileChannel.open(
              staged,
              java.nio.file.StandardOpenOption.WRITE,
              java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        n = w.write(tree, ch);
        ch.force(true);
      }
      Files.move(
          staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return n;
    } finally {
      Files.deleteIfExists(staged);
    }
  }
}
