/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One expanded, generic step of a task: a container image pinned by digest and how to run it. The
 * controller maps the recipe's expanded steps to these; the dispatcher never sees recipe syntax.
 *
 * @param name unique within the task: {@code [a-z0-9][a-z0-9-]{0,62}}
 * @param image {@code host/repository@sha256:...} (see {@link ImageRef})
 * @param args the container's command line (after the image's entrypoint); may be empty
 * @param env environment variables (written sorted by name)
 * @param timeoutSeconds wall-clock limit of one attempt, 1..86400
 * @param retries further attempts after a failed one, 0..10
 * @param onFailure what the job does once the step has failed its last attempt
 * @param devices host device nodes passed into the container: a path such as {@code /dev/sda}, or a
 *     class the dispatcher resolves on the machine: {@value #TARGET_DISK} (the disk chosen by the
 *     task's {@link DiskRules}; its path is also in {@code PLINTH_TARGET_DISK}) or {@value
 *     #ALL_DISKS} (every non-removable disk)
 * @param mounts host paths bind-mounted into the container
 * @param privileged run the container privileged (firmware tools, partitioning of every disk)
 * @param files files the dispatcher writes and mounts read-only into the container: container path
 *     to UTF-8 content (config-drive input, e.g. {@code /plinth/input/user-data}); omitted when
 *     empty
 */
@JsonPropertyOrder({
  "name",
  "image",
  "args",
  "env",
  "timeoutSeconds",
  "retries",
  "onFailure",
  "devices",
  "mounts",
  "privileged",
  "files"
})
public record TaskStep(
    String name,
    String image,
    List<String> args,
    Map<String, String> env,
    int timeoutSeconds,
    int retries,
    OnFailure onFailure,
    List<String> devices,
    List<StepMount> mounts,
    boolean privileged,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> files) {

  /** The device class of the disk chosen by the task's disk rules. */
  public static final String TARGET_DISK = "target-disk";

  /** The device class of every non-removable disk. */
  public static final String ALL_DISKS = "all-disks";

  public TaskStep {
    files =
        files == null
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(files));
    args = args == null ? List.of() : List.copyOf(args);
    env =
        env == null
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(env));
    onFailure = onFailure == null ? OnFailure.ABORT : onFailure;
    devices = devices == null ? List.of() : List.copyOf(devices);
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
  }

  /** A step without files (the form before {@code files} was added to v1). */
  public TaskStep(
      String name,
      String image,
      List<String> args,
      Map<String, String> env,
      int timeoutSeconds,
      int retries,
      OnFailure onFailure,
      List<String> devices,
      List<StepMount> mounts,
      boolean privileged) {
    this(
        name,
        image,
        args,
        env,
        timeoutSeconds,
        retries,
        onFailure,
        devices,
        mounts,
        privileged,
        null);
  }

  /** A step with defaults: no env, devices or mounts, 1 h timeout, no retries, abort on failure. */
  public static TaskStep of(String name, String image, List<String> args) {
    return new TaskStep(name, image, args, null, 3600, 0, OnFailure.ABORT, null, null, false);
  }

  /** The parsed image reference; call after validation. */
  @JsonIgnore
  public ImageRef imageRef() {
    return ImageRef.parse(image);
  }

  /** Attempts in total: 1 + retries. */
  @JsonIgnore
  public int maxAttempts() {
    return 1 + retries;
  }

  /** Copy with other devices, environment and mounts (the dispatcher's resolved form). */
  public TaskStep resolved(
      List<String> newDevices, Map<String, String> newEnv, List<StepMount> newMounts) {
    return new TaskStep(
        name,
        image,
        args,
        newEnv,
        timeoutSeconds,
        retries,
        onFailure,
        newDevices,
        newMounts,
        privileged,
        Map.of());
  }

  /** Copy with a different environment. */
  public TaskStep withEnv(Map<String, String> newEnv) {
    return new TaskStep(
        name, image, args, newEnv, timeoutSeconds, retries, onFailure, devices, mounts, privileged);
  }
}
