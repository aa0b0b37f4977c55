/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.recipes.PlanJson;
import dev.plinth.recipes.plan.ExecutionPlan;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A job's execution plan: its recipe compiled once, at submit ({@link PlanCompiler}), and stored
 * with the job. The task ISO, the registry's per-job scoping and the API read it; nothing parses
 * the recipe again.
 *
 * <p>Its JSON form ({@link #json()}, the {@code plan} column and {@code GET
 * /api/v1/jobs/{id}/plan}) is, in this order:
 *
 * <pre>
 * {"planVersion": 1, "job": "j-…", "machine": {"id": "…", "name": "…"},
 *  "variables": {"job.id": "…", "machine.name": "…", "inputs.NAME": "…", …},
 *  "images": {"plinth/tools/wipe:1": "sha256:…", …},
 *  "repositories": ["plinth/tools/wipe", …],
 *  "plan": {ExecutionPlan as recipes' PlanJson writes it: steps with pinned images, args, env,
 *           files, timeouts, retries, devices, disk rules, final action}}
 * </pre>
 *
 * @param planVersion the format's version ({@link #VERSION}); a reader refuses any other
 * @param variables the values the recipe's {@code ${…}} were substituted with
 * @param images every reference the recipe resolves, as written, with the digest it was pinned to
 * @param repositories every repository the job pulls from (its steps' images and what they pull)
 * @param plan the expanded steps, every image pinned by digest
 */
public record JobPlan(
    int planVersion,
    String jobId,
    String machineId,
    String machineName,
    SortedMap<String, String> variables,
    SortedMap<String, String> images,
    SortedSet<String> repositories,
    ExecutionPlan plan) {

  /** The plan format this controller writes and reads. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  public JobPlan {
    if (planVersion != VERSION) {
      throw new IllegalArgumentException(
          "plan format "
              + planVersion
              + " is not supported (this controller reads "
              + VERSION
              + ")");
    }
    variables = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(variables));
    images = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(images));
    repositories = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(repositories));
  }

  /** The stable JSON form: same plan, same bytes. */
  public String json() {
    ObjectNode o = JSON.createObjectNode();
    o.put("planVersion", planVersion);
    o.put("job", jobId);
    ObjectNode m = o.putObject("machine");
    m.put("id", machineId);
    m.put("name", machineName);
    variables.forEach(o.putObject("variables")::put);
    images.forEach(o.putObject("images")::put);
    repositories.forEach(o.putArray("repositories")::add);
    o.set("plan", PlanJson.toTree(plan));
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a plan written by {@link #json()}.
   *
   * @throws IllegalArgumentException when it is not a plan of {@link #VERSION}
   */
  public static JobPlan parse(String json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON job plan: " + e.getOriginalMessage(), e);
    }
    if (o == null || !o.path("planVersion").isInt()) {
      throw new IllegalArgumentException("not a job plan: planVersion is missing");
    }
    if (o.path("planVersion").asInt() != VERSION) {
      throw new IllegalArgumentException(
          "plan format "
              + o.path("planVersion").asInt()
              + " is not supported (this controller reads "
              + VERSION
              + ")");
    }
    SortedSet<String> repos = new TreeSet<>();
    o.path("repositories").forEach(r -> repos.add(r.asText()));
    return new JobPlan(
        o.path("planVersion").asInt(),
        o.path("job").asText(),
        o.path("machine").path("id").asText(),
        o.path("machine").path("name").asText(),
        strings(o.path("variables")),
        strings(o.path("images")),
        repos,
        PlanJson.fromTree(o.path("plan")));
  }

  private static SortedMap<String, String> strings(JsonNode o) {
    SortedMap<String, String> m = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      m.put(e.getKey(), e.getValue().asText());
    }
    return m;
  }
}
