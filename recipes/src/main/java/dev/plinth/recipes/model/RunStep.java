/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** The generic step: run a tool image with arguments and environment. */
public record RunStep(
    String name,
    StepPolicy policy,
    ImageRef image,
    List<String> args,
    SortedMap<String, TextValue> env,
    Set<DeviceClass> devices,
    boolean privileged)
    implements Step {
  public RunStep {
    args = List.copyOf(args);
    env = new TreeMap<>(env);
    devices = Set.copyOf(devices);
  }

  @Override
  public SortedMap<String, TextValue> env() {
    return new TreeMap<>(env);
  }
}
