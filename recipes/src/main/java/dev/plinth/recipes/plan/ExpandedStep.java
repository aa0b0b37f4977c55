/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.plan;

import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.OnFailure;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One generic step as the dispatcher runs it: a tool image (pinned to a digest once the controller
 * resolved it) with arguments, environment and files, its policy, and what it needs from the host.
 *
 * @param name the step's name, unique in the plan
 * @param action the recipe action it came from ({@code run}, {@code partition}, ...; {@code
 *     disk-wipe} for the disk's wipe policy)
 * @param image the tool image, relative to the controller's registry
 * @param args the container's arguments, variables substituted
 * @param env plain environment variables
 * @param secretEnv environment variables whose value is the named secret
 * @param files files (container path to content) the dispatcher writes and mounts read-only
 * @param secretFiles files whose content is the named secret
 * @param timeoutSeconds the time limit of one attempt
 * @param retries how many times a failed attempt is retried
 * @param onFailure what a final failure means
 * @param devices host devices the step is given
 * @param mounts host paths bind-mounted read-write at the same path
 * @param privileged whether the container runs privileged
 */
public record ExpandedStep(
    String name,
    String action,
    String image,
    List<String> args,
    SortedMap<String, String> env,
    SortedMap<String, String> secretEnv,
    SortedMap<String, String> files,
    SortedMap<String, String> secretFiles,
    long timeoutSeconds,
    int retries,
    OnFailure onFailure,
    List<DeviceClass> devices,
    List<String> mounts,
    boolean privileged) {
  public ExpandedStep {
    args = List.copyOf(args);
    env = new TreeMap<>(env);
    secretEnv = new TreeMap<>(secretEnv);
    files = new TreeMap<>(files);
    secretFiles = new TreeMap<>(secretFiles);
    devices = List.copyOf(devices);
    mounts = List.copyOf(mounts);
    if (timeoutSeconds <= 0 || retries < 0) {
      throw new IllegalArgumentException("timeout must be positive, retries not negative");
    }
  }

  @Override
  public SortedMap<String, String> env() {
    return new TreeMap<>(env);
  }

  @Override
  public SortedMap<String, String> secretEnv() {
    return new TreeMap<>(secretEnv);
  }

  @Override
  public SortedMap<String, String> files() {
    return new TreeMap<>(files);
  }

  @Override
  public SortedMap<String, String> secretFiles() {
    return new TreeMap<>(secretFiles);
  }
}
