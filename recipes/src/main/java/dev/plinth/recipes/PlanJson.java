/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.FinalAction;
import dev.plinth.recipes.model.OnFailure;
import dev.plinth.recipes.model.WireNames;
import dev.plinth.recipes.plan.ExecutionPlan;
import dev.plinth.recipes.plan.ExpandedStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The stable JSON form of an {@link ExecutionPlan}, as it travels in task.json: keys in a fixed
 * order, maps sorted, every step key always present, two-space indent, LF, final newline. Same
 * plan, same bytes.
 */
public final class PlanJson {
  private PlanJson() {}

  /** The plan as UTF-8 JSON bytes. */
  public static byte[] write(ExecutionPlan plan) {
    return pretty(toTree(plan)).getBytes(StandardCharsets.UTF_8);
  }

  /** The plan as a JSON tree, to embed in a larger document such as task.json. */
  public static ObjectNode toTree(ExecutionPlan plan) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("apiVersion", ExecutionPlan.API_VERSION);
    o.put("kind", ExecutionPlan.KIND);
    o.put("recipe", plan.recipe());
    plan.disk().ifPresent(d -> o.set("disk", RecipeWriter.disk(d)));
    ArrayNode steps = o.putArray("steps");
    plan.steps().forEach(s -> steps.add(step(s)));
    o.put("final", WireNames.of(plan.finalAction()));
    return o;
  }

  private static ObjectNode step(ExpandedStep s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", s.name());
    o.put("action", s.action());
    o.put("image", s.image());
    ArrayNode args = o.putArray("args");
    s.args().forEach(args::add);
    map(o.putObject("env"), s.env());
    map(o.putObject("secretEnv"), s.secretEnv());
    map(o.putObject("files"), s.files());
    map(o.putObject("secretFiles"), s.secretFiles());
    o.put("timeoutSeconds", s.timeoutSeconds());
    o.put("retries", s.retries());
    o.put("onFailure", WireNames.of(s.onFailure()));
    ArrayNode devices = o.putArray("devices");
    s.devices().forEach(d -> devices.add(WireNames.of(d)));
    ArrayNode mounts = o.putArray("mounts");
    s.mounts().forEach(mounts::add);
    o.put("privileged", s.privileged());
    return o;
  }

  private static void map(ObjectNode o, SortedMap<String, String> m) {
    m.forEach(o::put);
  }

  /**
   * Reads a plan written by {@link #write}. Throws {@link IllegalArgumentException} with a clear
   * message when the bytes are not a plan of this version.
   */
  public static ExecutionPlan read(byte[] bytes) {
    try {
      return fromTree(Json.MAPPER.readTree(bytes));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON execution plan: " + e.getMessage(), e);
    }
  }

  /** Reads a plan from a tree (for example the {@code plan} member of task.json). */
  public static ExecutionPlan fromTree(JsonNode o) {
    if (!ExecutionPlan.API_VERSION.equals(o.path("apiVersion").asText())
        || !ExecutionPlan.KIND.equals(o.path("kind").asText())) {
      throw new IllegalArgumentException(
          "not an execution plan of " + ExecutionPlan.API_VERSION + ": apiVersion/kind differ");
    }
    List<ExpandedStep> steps = new ArrayList<>();
    for (JsonNode s : o.path("steps")) {
      steps.add(readStep(s));
    }
    return new ExecutionPlan(
        o.path("recipe").asText(),
        o.has("disk") ? Optional.of(Binder.disk(o.get("disk"))) : Optional.empty(),
        steps,
        WireNames.parse(FinalAction.class, o.path("final").asText()));
  }

  private static ExpandedStep readStep(JsonNode s) {
    List<String> args = new ArrayList<>();
    s.path("args").forEach(a -> args.add(a.asText()));
    List<DeviceClass> devices = new ArrayList<>();
    s.path("devices").forEach(d -> devices.add(WireNames.parse(DeviceClass.class, d.asText())));
    List<String> mounts = new ArrayList<>();
    s.path("mounts").forEach(m -> mounts.add(m.asText()));
    return new ExpandedStep(
        s.path("name").asText(),
        s.path("action").asText(),
        s.path("image").asText(),
        args,
        readMap(s.path("env")),
        readMap(s.path("secretEnv")),
        readMap(s.path("files")),
        readMap(s.path("secretFiles")),
        s.path("timeoutSeconds").asLong(),
        s.path("retries").asInt(),
        WireNames.parse(OnFailure.class, s.path("onFailure").asText()),
        devices,
        mounts,
        s.path("privileged").asBoolean());
  }

  private static TreeMap<String, String> readMap(JsonNode o) {
    TreeMap<String, String> m = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      m.put(e.getKey(), e.getValue().asText());
    }
    return m;
  }

  static String pretty(JsonNode tree) {
    try {
      return Json.PRETTY.writeValueAsString(tree) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
