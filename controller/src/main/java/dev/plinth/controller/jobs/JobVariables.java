/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.store.Machine;
import dev.plinth.recipes.Variables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one place that says what a recipe's variables are for a job: {@code ${machine.name}}, {@code
 * ${machine.id}}, and, when the machine's stored inventory knows them, {@code ${machine.serial}}
 * and {@code ${machine.macs[N]}} (in the BMC's order); {@code ${job.id}}; {@code ${inputs.NAME}}.
 * The recipe is compiled with them once, at submit ({@link PlanCompiler}), and the job's plan keeps
 * the values: what was accepted is what runs.
 */
public final class JobVariables {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JobVariables() {}

  /** The variables of job {@code jobId} on machine {@code m} with these inputs. */
  public static Variables of(Machine m, String jobId, Map<String, String> inputs) {
    Variables.Builder b = Variables.builder().machineName(m.name()).machineId(m.id()).jobId(jobId);
    JsonNode inv = inventory(m.inventory());
    String serial = inv.path("serialNumber").asText("");
    if (!serial.isBlank()) {
      b.machineSerial(serial);
    }
    List<String> macs = new ArrayList<>();
    for (JsonNode mac : inv.path("macAddresses")) {
      if (mac.isTextual() && !mac.asText().isBlank()) {
        macs.add(mac.asText());
      }
    }
    b.macs(macs);
    inputs.forEach(b::input);
    return b.build();
  }

  /** The stored inventory, or an empty object when there is none or it cannot be read. */
  private static JsonNode inventory(String json) {
    if (json == null || json.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode();
    }
  }
}
