/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.plinth.recipes.model.BootloaderStep;
import dev.plinth.recipes.model.ConfigDriveStep;
import dev.plinth.recipes.model.DiskMatch;
import dev.plinth.recipes.model.DiskSelection;
import dev.plinth.recipes.model.FirmwareStep;
import dev.plinth.recipes.model.OsImageStep;
import dev.plinth.recipes.model.Partition;
import dev.plinth.recipes.model.PartitionStep;
import dev.plinth.recipes.model.Recipe;
import dev.plinth.recipes.model.RunStep;
import dev.plinth.recipes.model.Step;
import dev.plinth.recipes.model.Target;
import dev.plinth.recipes.model.TextValue;
import dev.plinth.recipes.model.WimStep;
import dev.plinth.recipes.model.WipeStep;
import dev.plinth.recipes.model.WireNames;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Writes a recipe in its canonical form (every default spelt out, keys in schema order) as JSON or
 * YAML. Reading what it writes gives the same recipe: parse, write, parse is stable.
 */
public final class RecipeWriter {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  private RecipeWriter() {}

  /** Canonical JSON, two-space indent, final newline. */
  public static String toJson(Recipe recipe) {
    return PlanJson.pretty(toTree(recipe));
  }

  /** Canonical YAML. */
  public static String toYaml(Recipe recipe) {
    try {
      return YAML.writeValueAsString(toTree(recipe));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode toTree(Recipe r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("apiVersion", Recipe.API_VERSION);
    o.put("kind", Recipe.KIND);
    ObjectNode md = o.putObject("metadata");
    md.put("name", r.metadata().name());
    if (!r.metadata().description().isEmpty()) {
      md.put("description", r.metadata().description());
    }
    if (!r.metadata().labels().isEmpty()) {
      r.metadata().labels().forEach(md.putObject("labels")::put);
    }
    if (!r.inputs().isEmpty()) {
      ObjectNode in = o.putObject("inputs");
      r.inputs()
          .forEach(
              (k, v) -> {
                ObjectNode i = in.putObject(k);
                if (!v.description().isEmpty()) {
                  i.put("description", v.description());
                }
                v.defaultValue().ifPresent(d -> i.put("default", d));
                v.pattern().ifPresent(p -> i.put("pattern", p));
              });
    }
    o.set("disk", disk(r.disk()));
    ArrayNode steps = o.putArray("steps");
    r.steps().forEach(s -> steps.add(step(s)));
    o.putObject("final").put("action", WireNames.of(r.finalAction()));
    return o;
  }

  static ObjectNode disk(DiskSelection d) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ObjectNode m = o.putObject("match");
    DiskMatch x = d.match();
    x.byPath().ifPresent(v -> m.put("byPath", v));
    x.serial().ifPresent(v -> m.put("serial", v));
    x.wwn().ifPresent(v -> m.put("wwn", v));
    x.model().ifPresent(v -> m.put("model", v));
    x.rotational().ifPresent(v -> m.put("rotational", v));
    x.transport().ifPresent(v -> m.put("transport", WireNames.of(v)));
    x.minSize().ifPresent(v -> m.put("minSize", v.toString()));
    x.maxSize().ifPresent(v -> m.put("maxSize", v.toString()));
    o.put("prefer", WireNames.of(d.prefer()));
    o.put("wipe", WireNames.of(d.wipe()));
    return o;
  }

  private static ObjectNode step(Step s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", s.name());
    s.policy().timeout().ifPresent(t -> o.put("timeout", duration(t)));
    o.put("retries", s.policy().retries());
    o.put("onFailure", WireNames.of(s.policy().onFailure()));
    ObjectNode a = o.putObject(s.action());
    switch (s) {
      case RunStep r -> {
        a.put("image", r.image().toString());
        r.args().forEach(a.putArray("args")::add);
        ObjectNode env = a.putObject("env");
        r.env().forEach((k, v) -> env.set(k, text(v)));
        r.devices().stream().sorted().forEach(d -> a.withArray("devices").add(WireNames.of(d)));
        a.put("privileged", r.privileged());
      }
      case PartitionStep p -> {
        a.put("table", "gpt");
        ArrayNode parts = a.putArray("partitions");
        for (Partition x : p.partitions()) {
          ObjectNode po = parts.addObject();
          po.put("label", x.label());
          po.put("size", x.size().map(Object::toString).orElse("rest"));
          po.put("type", x.type());
          po.put("filesystem", WireNames.of(x.filesystem()));
        }
      }
      case OsImageStep i -> {
        a.put("ref", i.ref().toString());
        a.put("format", WireNames.of(i.format()));
        a.put("compression", WireNames.of(i.compression()));
        target(a, i.target());
        i.digest().ifPresent(d -> a.put("digest", d));
      }
      case WimStep w -> {
        a.put("ref", w.ref().toString());
        a.put("index", w.index());
        target(a, w.target());
        w.digest().ifPresent(d -> a.put("digest", d));
      }
      case BootloaderStep b -> {
        a.put("type", WireNames.of(b.type()));
        a.put("esp", b.esp());
        b.root().ifPresent(v -> a.put("root", v));
        b.kernelArgs().forEach(a.putArray("kernelArgs")::add);
        b.entryName().ifPresent(v -> a.put("entryName", v));
      }
      case ConfigDriveStep c -> configDrive(a, c);
      case FirmwareStep f -> {
        a.put("vendor", WireNames.of(f.vendor()));
        a.put("component", WireNames.of(f.component()));
        a.put("ref", f.ref().toString());
        f.digest().ifPresent(d -> a.put("digest", d));
        a.put("reboot", WireNames.of(f.reboot()));
      }
      case WipeStep w -> {
        a.put("method", WireNames.of(w.method()));
        a.put("disks", WireNames.of(w.disks()));
        a.put("verify", w.verify());
      }
    }
    return o;
  }

  private static void configDrive(ObjectNode a, ConfigDriveStep c) {
    a.put("format", WireNames.of(c.format()));
    c.userData().ifPresent(u -> a.set("userData", text(u)));
    if (!c.metaData().isEmpty()) {
      c.metaData().forEach(a.putObject("metaData")::put);
    }
    c.networkConfig().ifPresent(n -> a.set("networkConfig", Json.MAPPER.valueToTree(n)));
    c.ignition().ifPresent(n -> a.set("ignition", Json.MAPPER.valueToTree(n)));
    c.target().ifPresent(t -> target(a, t));
  }

  private static void target(ObjectNode a, Target t) {
    switch (t) {
      case Target.Disk d -> a.put("target", "disk");
      case Target.Partition p -> a.putObject("target").put("partition", p.label());
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode text(TextValue v) {
    return switch (v) {
      case TextValue.Literal l -> Json.MAPPER.getNodeFactory().textNode(l.value());
      case TextValue.SecretRef s -> Json.MAPPER.createObjectNode().put("secretRef", s.name());
    };
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
