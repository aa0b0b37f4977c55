/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.recipes.model.BootloaderStep;
import dev.plinth.recipes.model.BootloaderType;
import dev.plinth.recipes.model.ByteSize;
import dev.plinth.recipes.model.Compression;
import dev.plinth.recipes.model.ConfigDriveStep;
import dev.plinth.recipes.model.ConfigFormat;
import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.DiskMatch;
import dev.plinth.recipes.model.DiskSelection;
import dev.plinth.recipes.model.Filesystem;
import dev.plinth.recipes.model.FinalAction;
import dev.plinth.recipes.model.FirmwareComponent;
import dev.plinth.recipes.model.FirmwareStep;
import dev.plinth.recipes.model.ImageFormat;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.recipes.model.InputSpec;
import dev.plinth.recipes.model.Metadata;
import dev.plinth.recipes.model.OnFailure;
import dev.plinth.recipes.model.OsImageStep;
import dev.plinth.recipes.model.Partition;
import dev.plinth.recipes.model.PartitionStep;
import dev.plinth.recipes.model.Prefer;
import dev.plinth.recipes.model.RebootPolicy;
import dev.plinth.recipes.model.Recipe;
import dev.plinth.recipes.model.RunStep;
import dev.plinth.recipes.model.Step;
import dev.plinth.recipes.model.StepPolicy;
import dev.plinth.recipes.model.Target;
import dev.plinth.recipes.model.TextValue;
import dev.plinth.recipes.model.Transport;
import dev.plinth.recipes.model.Vendor;
import dev.plinth.recipes.model.WimStep;
import dev.plinth.recipes.model.WipeMethod;
import dev.plinth.recipes.model.WipePolicy;
import dev.plinth.recipes.model.WipeScope;
import dev.plinth.recipes.model.WipeStep;
import dev.plinth.recipes.model.WireNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the model from a tree that the schema has accepted (so shapes and spellings are right).
 */
final class Binder {
  private Binder() {}

  static Recipe recipe(JsonNode root) {
    JsonNode md = root.path("metadata");
    TreeMap<String, String> labels = new TreeMap<>();
    md.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    Metadata metadata = new Metadata(md.path("name").asText(), text(md, "description"), labels);
    List<Step> steps = new ArrayList<>();
    root.path("steps").forEach(s -> steps.add(step(s)));
    FinalAction fin =
        root.has("final")
            ? WireNames.parse(FinalAction.class, root.path("final").path("action").asText())
            : FinalAction.REBOOT;
    return new Recipe(metadata, inputs(root), disk(root.path("disk")), steps, fin);
  }

  static TreeMap<String, InputSpec> inputs(JsonNode root) {
    TreeMap<String, InputSpec> inputs = new TreeMap<>();
    root.path("inputs")
        .properties()
        .forEach(
            e ->
                inputs.put(
                    e.getKey(),
                    new InputSpec(
                        text(e.getValue(), "description"),
                        opt(e.getValue(), "default"),
                        opt(e.getValue(), "pattern"))));
    return inputs;
  }

  static DiskSelection disk(JsonNode d) {
    JsonNode m = d.path("match");
    DiskMatch match =
        new DiskMatch(
            opt(m, "byPath"),
            opt(m, "serial"),
            opt(m, "wwn"),
            opt(m, "model"),
            m.has("rotational") ? Optional.of(m.get("rotational").asBoolean()) : Optional.empty(),
            opt(m, "transport").map(t -> WireNames.parse(Transport.class, t)),
            opt(m, "minSize").map(ByteSize::parse),
            opt(m, "maxSize").map(ByteSize::parse));
    return new DiskSelection(
        match,
        opt(d, "prefer").map(p -> WireNames.parse(Prefer.class, p)).orElse(Prefer.SMALLEST),
        opt(d, "wipe").map(w -> WireNames.parse(WipePolicy.class, w)).orElse(WipePolicy.NONE));
  }

  static Step step(JsonNode s) {
    String name = s.path("name").asText();
    StepPolicy policy =
        new StepPolicy(
            opt(s, "timeout").map(Binder::duration),
            s.path("retries").asInt(0),
            opt(s, "onFailure").map(o -> WireNames.parse(OnFailure.class, o)).orElse(null));
    if (s.has("run")) {
      return run(name, policy, s.get("run"));
    }
    if (s.has("partition")) {
      List<Partition> parts = new ArrayList<>();
      for (JsonNode p : s.get("partition").path("partitions")) {
        String size = p.path("size").asText();
        parts.add(
            new Partition(
                p.path("label").asText(),
                size.equals("rest") ? Optional.empty() : Optional.of(ByteSize.parse(size)),
                opt(p, "type").orElse("linux"),
                opt(p, "filesystem").map(f -> WireNames.parse(Filesystem.class, f)).orElse(null)));
      }
      return new PartitionStep(name, policy, parts);
    }
    if (s.has("image")) {
      JsonNode i = s.get("image");
      return new OsImageStep(
          name,
          policy,
          ImageRef.parse(i.path("ref").asText()),
          opt(i, "format").map(f -> WireNames.parse(ImageFormat.class, f)).orElse(null),
          opt(i, "compression").map(c -> WireNames.parse(Compression.class, c)).orElse(null),
          target(i.path("target")),
          opt(i, "digest"));
    }
    if (s.has("wim")) {
      JsonNode w = s.get("wim");
      return new WimStep(
          name,
          policy,
          ImageRef.parse(w.path("ref").asText()),
          w.path("index").asInt(1),
          target(w.path("target")),
          opt(w, "digest"));
    }
    return specialised(name, policy, s);
  }

  private static Step specialised(String name, StepPolicy policy, JsonNode s) {
    if (s.has("bootloader")) {
      JsonNode b = s.get("bootloader");
      return new BootloaderStep(
          name,
          policy,
          WireNames.parse(BootloaderType.class, b.path("type").asText()),
          opt(b, "esp").orElse("ESP"),
          opt(b, "root"),
          strings(b.path("kernelArgs")),
          opt(b, "entryName"));
    }
    if (s.has("configDrive")) {
      JsonNode c = s.get("configDrive");
      TreeMap<String, String> meta = new TreeMap<>();
      c.path("metaData").properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
      return new ConfigDriveStep(
          name,
          policy,
          WireNames.parse(ConfigFormat.class, c.path("format").asText()),
          c.has("userData") ? Optional.of(text(c.get("userData"))) : Optional.empty(),
          meta,
          c.has("networkConfig") ? Optional.of(freeForm(c.get("networkConfig"))) : Optional.empty(),
          c.has("ignition") ? Optional.of(freeForm(c.get("ignition"))) : Optional.empty(),
          c.has("target") ? Optional.of(target(c.get("target"))) : Optional.empty());
    }
    if (s.has("firmware")) {
      JsonNode f = s.get("firmware");
      return new FirmwareStep(
          name,
          policy,
          WireNames.parse(Vendor.class, f.path("vendor").asText()),
          WireNames.parse(FirmwareComponent.class, f.path("component").asText()),
          ImageRef.parse(f.path("ref").asText()),
          opt(f, "digest"),
          opt(f, "reboot").map(r -> WireNames.parse(RebootPolicy.class, r)).orElse(null));
    }
    JsonNode w = s.path("wipe");
    return new WipeStep(
        name,
        policy,
        WireNames.parse(WipeMethod.class, w.path("method").asText()),
        opt(w, "disks").map(d -> WireNames.parse(WipeScope.class, d)).orElse(null),
        w.path("verify").asBoolean(false));
  }

  private static RunStep run(String name, StepPolicy policy, JsonNode r) {
    TreeMap<String, TextValue> env = new TreeMap<>();
    r.path("env").properties().forEach(e -> env.put(e.getKey(), text(e.getValue())));
    EnumSet<DeviceClass> devices = EnumSet.noneOf(DeviceClass.class);
    r.path("devices").forEach(d -> devices.add(WireNames.parse(DeviceClass.class, d.asText())));
    return new RunStep(
        name,
        policy,
        ImageRef.parse(r.path("image").asText()),
        strings(r.path("args")),
        env,
        devices,
        r.path("privileged").asBoolean(false));
  }

  static Target target(JsonNode t) {
    return t.isTextual() ? new Target.Disk() : new Target.Partition(t.path("partition").asText());
  }

  static TextValue text(JsonNode v) {
    return v.isTextual()
        ? new TextValue.Literal(v.asText())
        : new TextValue.SecretRef(v.path("secretRef").asText());
  }

  /** {@code 90s}, {@code 10m}, {@code 2h}. */
  static Duration duration(String text) {
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 'h' -> Duration.ofHours(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  /** A JSON-like tree of plain Java values: maps keep their order. */
  static Map<String, Object> freeForm(JsonNode o) {
    Map<String, Object> out = new LinkedHashMap<>();
    o.properties().forEach(e -> out.put(e.getKey(), plain(e.getValue())));
    return out;
  }

  private static Object plain(JsonNode v) {
    if (v.isObject()) {
      return freeForm(v);
    }
    if (v.isArray()) {
      List<Object> out = new ArrayList<>();
      v.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue();
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static Optional<String> opt(JsonNode o, String key) {
    JsonNode v = o.get(key);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  private static String text(JsonNode o, String key) {
    return opt(o, key).orElse("");
  }
}
