/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes first-boot configuration: a cloud-init NoCloud drive (user-data, meta-data,
 * network-config) or an Ignition config. {@code networkConfig} and {@code ignition} are free-form
 * JSON-like trees (maps, lists, strings, numbers, booleans, nulls). Absent target: a small new
 * {@code cidata} partition for cloud-init, or the {@code boot} partition for Ignition.
 */
public record ConfigDriveStep(
    String name,
    StepPolicy policy,
    ConfigFormat format,
    Optional<TextValue> userData,
    SortedMap<String, String> metaData,
    Optional<Map<String, Object>> networkConfig,
    Optional<Map<String, Object>> ignition,
    Optional<Target> target)
    implements Step {
  public ConfigDriveStep {
    userData = userData == null ? Optional.empty() : userData;
    metaData = new TreeMap<>(metaData);
    networkConfig = freeze(networkConfig);
    ignition = freeze(ignition);
    target = target == null ? Optional.empty() : target;
  }

  @Override
  public SortedMap<String, String> metaData() {
    return new TreeMap<>(metaData);
  }

  private static Optional<Map<String, Object>> freeze(Optional<Map<String, Object>> tree) {
    return tree == null
        ? Optional.empty()
        : tree.map(m -> Collections.unmodifiableMap(new LinkedHashMap<>(m)));
  }
}
