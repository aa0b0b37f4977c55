/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.Machine;
import dev.plinth.dispatcher.contract.ControllerUrls;
import dev.plinth.dispatcher.contract.DiskRules;
import dev.plinth.dispatcher.contract.JobCredentials;
import dev.plinth.dispatcher.contract.MachineRef;
import dev.plinth.dispatcher.contract.OnFailure;
import dev.plinth.dispatcher.contract.StepMount;
import dev.plinth.dispatcher.contract.Task;
import dev.plinth.dispatcher.contract.TaskIsoV1;
import dev.plinth.dispatcher.contract.TaskStep;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import dev.plinth.recipes.ExpandResult;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.RecipeExpander;
import dev.plinth.recipes.RecipeParser;
import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.recipes.Variables;
import dev.plinth.recipes.model.ByteSize;
import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.DiskMatch;
import dev.plinth.recipes.model.DiskSelection;
import dev.plinth.recipes.model.Prefer;
import dev.plinth.recipes.plan.ExpandedStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a job's Task ISO v1 (DESIGN contract): the recipe expanded into generic steps with every
 * image pinned to a digest, the controller's URLs and the job's credentials, as {@code task.json}
 * and {@code SHA256SUMS} in an ISO labelled {@code PLINTH-TASK}. The same job gives the same bytes
 * ({@code SOURCE_DATE_EPOCH} is the job's creation time), so rebuilding after a crash is harmless.
 */
public final class TaskBuilder {

  /** The recipe cannot run: its message is the job's failure reason. */
  public static final class TaskException extends Exception {
    private static final long serialVersionUID = 1L;

    public TaskException(String message) {
      super(message);
    }
  }

  private final RecipeParser parser = RecipeParser.create();
  private final RecipeExpander expander = RecipeExpander.create();
  private final ReferenceResolver resolver;
  private final String registryHost;
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
        dev.plinth.dispatcher.contract.ToolSigningKeys.parse(pem);
        pems.add(pem);
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("tools.signingKeys: " + f + ": " + e.getMessage(), e);
      }
    }
    if (pems.size() > dev.plinth.dispatcher.contract.ToolSigningKeys.MAX_KEYS) {
      throw new IllegalArgumentException(
          "tools.signingKeys: at most "
              + dev.plinth.dispatcher.contract.ToolSigningKeys.MAX_KEYS
              + " keys, has "
              + pems.size());
    }
    return pems;
  }

  /**
   * @param resolver pins image references to digests (the registry)
   * @param registryHost the host:port machines pull images from
   */
  public TaskBuilder(ReferenceResolver resolver, String registryHost) {
    this.resolver = resolver;
    this.registryHost = registryHost;
  }

  /** The task of a job. */
  public Task task(Job job, Machine machine, JobSecrets secrets, String baseUrl)
      throws TaskException {
    ParseResult parsed = parser.parse(job.recipe().getBytes(StandardCharsets.UTF_8), "recipe");
    if (!(parsed instanceof ParseResult.Valid v)) {
      throw new TaskException("recipe is invalid: " + parsed.errors().getFirst().format());
    }
    Variables vars = JobVariables.of(machine, job.id(), job.inputs());
    ExpandResult r = expander.expand(v.recipe(), v.source(), vars, resolver);
    if (!(r instanceof ExpandResult.Expanded e)) {
      throw new TaskException("recipe cannot be expanded: " + r.errors().getFirst().format());
    }
    List<TaskStep> steps = new ArrayList<>();
    for (ExpandedStep s : e.plan().steps()) {
      steps.add(step(s));
    }
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return new Task(
        Task.API_VERSION,
        Task.KIND,
        job.id(),
        v.recipe().metadata().name(),
        new MachineRef(machine.id(), null, null),
        new ControllerUrls(base, base + "/webhooks/v1/jobs/" + job.id() + "/events", base + "/v2/"),
        registryHost,
        null,
        new JobCredentials(secrets.token(), secrets.hmacKey()),
        steps,
        disk(e.plan().disk()),
        toolSigningKeys);
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
