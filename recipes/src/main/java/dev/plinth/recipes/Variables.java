/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The values variables resolve to for one job: the machine's name, id, serial and MACs, the job id
 * and the job's inputs. {@link #placeholders()} leaves every variable as written (for {@code plinth
 * recipe explain} without a machine).
 */
public record Variables(
    Optional<String> machineName,
    Optional<String> machineId,
    Optional<String> machineSerial,
    List<String> macs,
    Optional<String> jobId,
    SortedMap<String, String> inputs,
    boolean keepUnresolved) {

  public Variables {
    machineName = machineName == null ? Optional.empty() : machineName;
    machineId = machineId == null ? Optional.empty() : machineId;
    machineSerial = machineSerial == null ? Optional.empty() : machineSerial;
    macs = List.copyOf(macs);
    jobId = jobId == null ? Optional.empty() : jobId;
    inputs = new TreeMap<>(inputs);
  }

  /** No values; every variable stays as written and nothing is reported unresolved. */
  public static Variables placeholders() {
    return new Variables(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        new TreeMap<>(),
        true);
  }

  /** A builder for a job's values. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SortedMap<String, String> inputs() {
    return new TreeMap<>(inputs);
  }

  /** The value of one expression, or null when it has none here. */
  String resolve(String expr, Map<String, String> effectiveInputs) {
    var mac = Template.MAC.matcher(expr);
    if (mac.matches()) {
      int i = Integer.parseInt(mac.group(1));
      return i < macs.size() ? macs.get(i) : null;
    }
    var in = Template.INPUT.matcher(expr);
    if (in.matches()) {
      return effectiveInputs.get(in.group(1));
    }
    return switch (expr) {
      case "machine.name" -> machineName.orElse(null);
      case "machine.id" -> machineId.orElse(null);
      case "machine.serial" -> machineSerial.orElse(null);
      case "job.id" -> jobId.orElse(null);
      default -> null;
    };
  }

  /** Builds {@link Variables}. */
  public static final class Builder {
    private String machineName;
    private String machineId;
    private String machineSerial;
    private final List<String> macs = new ArrayList<>();
    private String jobId;
    private final SortedMap<String, String> inputs = new TreeMap<>();

    private Builder() {}

    public Builder machineName(String v) {
      machineName = v;
      return this;
    }

    public Builder machineId(String v) {
      machineId = v;
      return this;
    }

    public Builder machineSerial(String v) {
      machineSerial = v;
      return this;
    }

    public Builder macs(List<String> v) {
      macs.clear();
      macs.addAll(v);
      return this;
    }

    public Builder jobId(String v) {
      jobId = v;
      return this;
    }

    public Builder input(String name, String value) {
      inputs.put(name, value);
      return this;
    }

    public Variables build() {
      return new Variables(
          Optional.ofNullable(machineName),
          Optional.ofNullable(machineId),
          Optional.ofNullable(machineSerial),
          macs,
          Optional.ofNullable(jobId),
          inputs,
          false);
    }
  }
}
