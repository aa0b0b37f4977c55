/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import dev.plinth.contract.StepMount;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import dev.plinth.dispatcher.disks.BlockDisk;
import dev.plinth.dispatcher.disks.DiskSelector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a task into what runners execute: device classes become {@code /dev} paths ({@code
 * target-disk} also sets {@code PLINTH_TARGET_DISK}), and each step's {@code files} are written
 * under a directory and become read-only mounts. The target disk is chosen once per job and kept in
 * a file, so a restarted dispatcher uses the same disk even if the disks changed meanwhile.
 */
public final class TaskResolver {

  /** No disk matches the task's disk rules. */
  public static final class NoTargetDisk extends Exception {
    private static final long serialVersionUID = 1L;

    NoTargetDisk(String message) {
      super(message);
    }
  }

  /** What the machine has. */
  @FunctionalInterface
  public interface Disks {
    List<BlockDisk> list() throws IOException;
  }

  private TaskResolver() {}

  /**
   * @param filesDir where step files are written ({@code NN-name/<container path>})
   * @param chosenDisk the file that keeps the job's target disk
   */
  public static Task resolve(Task task, Disks disks, Path filesDir, Path chosenDisk)
      throws IOException, NoTargetDisk {
    boolean needsTarget =
        task.steps().stream().anyMatch(s -> s.devices().contains(TaskStep.TARGET_DISK));
    boolean needsAll =
        task.steps().stream().anyMatch(s -> s.devices().contains(TaskStep.ALL_DISKS));
    String target = needsTarget ? target(task, disks, chosenDisk) : null;
    List<String> all =
        needsAll
            ? DiskSelector.candidates(disks.list()).stream().map(BlockDisk::devicePath).toList()
            : List.of();
    List<TaskStep> steps = new ArrayList<>();
    for (int i = 0; i < task.steps().size(); i++) {
      TaskStep s = task.steps().get(i);
      Set<String> devices = new LinkedHashSet<>();
      for (String d : s.devices()) {
        switch (d) {
          case TaskStep.TARGET_DISK -> devices.add(target);
          case TaskStep.ALL_DISKS -> devices.addAll(all);
          default -> devices.add(d);
        }
      }
      Map<String, String> env = new TreeMap<>(s.env());
      env.putAll(toolEnvironment(task, s));
      if (s.devices().contains(TaskStep.TARGET_DISK)) {
        env.put("PLINTH_TARGET_DISK", target);
      }
      List<StepMount> mounts = new ArrayList<>(s.mounts());
      String slug = String.format("%02d-%s", i + 1, s.name());
      for (Map.Entry<String, String> f : s.files().entrySet()) {
        Path host = filesDir.resolve(slug).resolve(f.getKey().substring(1));
        Files.createDirectories(host.getParent());
        Files.writeString(host, f.getValue(), StandardCharsets.UTF_8);
        mounts.add(new StepMount(host.toString(), f.getKey(), true));
      }
      steps.add(s.resolved(List.copyOf(devices), env, mounts));
    }
    return task.withSteps(steps);
  }

  /**
   * The part of the tool runtime contract (docs/tools.md) that comes from the task: which registry
   * {@code --source} references are relative to, and how to reach it. The runner adds the
   * credentials file, the CA file and {@code /dev}.
   */
  static Map<String, String> toolEnvironment(Task task, TaskStep s) {
    Map<String, String> env = new TreeMap<>();
    env.put("PLINTH_JOB_ID", task.jobId());
    env.put("PLINTH_STEP", s.name());
    env.put("PLINTH_REGISTRY", task.registryHost());
    env.put("PLINTH_REGISTRY_SCHEME", task.registryPlainHttp() ? "http" : "https");
    return env;
  }

  private static String target(Task task, Disks disks, Path chosenDisk)
      throws IOException, NoTargetDisk {
    if (Files.exists(chosenDisk)) {
      return Files.readString(chosenDisk).strip();
    }
    List<BlockDisk> list = disks.list();
    Optional<BlockDisk> d = DiskSelector.select(task.disk(), list);
    if (d.isEmpty()) {
      throw new NoTargetDisk(
          "no disk matches the task's disk rules "
              + task.disk()
              + "; disks: "
              + list.stream()
                  .map(
                      x ->
                          x.name()
                              + " "
                              + x.sizeBytes()
                              + " B "
                              + x.transport()
                              + (x.rotational() ? " rotational" : "")
                              + (x.removable() ? " removable" : ""))
                  .toList());
    }
    Files.createDirectories(chosenDisk.getParent());
    Files.writeString(chosenDisk, d.get().devicePath() + "\n");
    return d.get().devicePath();
  }
}
