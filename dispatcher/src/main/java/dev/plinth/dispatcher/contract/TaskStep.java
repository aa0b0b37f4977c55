/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param devices host device nodes passed into the container, e.g. {@code /dev/sda}
 * @param mounts host paths bind-mounted into the container
 * @param privileged run the container privileged (firmware tools, partitioning of every disk)
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
  "privileged"
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
    boolean privileged) {

  public TaskStep {
    args = args == null ? List.of() : List.copyOf(args);
    env =
        env == null
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(env));
    onFailure = onFailure == null ? OnFailure.ABORT : onFailure;
    devices = devices == null ? List.of() : List.copyOf(devices);
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
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

  /** Copy with a different environment. */
  public TaskStep withEnv(Map<String, String> newEnv) {
    return new TaskStep(
        name, image, args, newEnv, timeoutSeconds, retries, onFailure, devices, mounts, privileged);
  }
}
