/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plinth.recipes.model.ConfigDriveStep;
import dev.plinth.recipes.model.ConfigFormat;
import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.TextValue;
import dev.plinth.recipes.model.WireNames;
import dev.plinth.recipes.plan.ExpandedStep;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code configDrive} shorthand: content becomes files under {@code /plinth/input/} (named as
 * cloud-init's NoCloud source and Ignition expect), which the config-drive tool writes to the
 * target: a new {@code cidata} partition for cloud-init unless a partition is named, the {@code
 * boot} partition for Ignition unless another is named.
 */
final class ConfigDrives {
  private ConfigDrives() {}

  static ExpandedStep expand(ConfigDriveStep d, String ptr, Shorthands.Context c) {
    String cp = ptr + "/configDrive";
    var b = new Shorthands.Builder(d.name(), "configDrive", c.tool(Tool.CONFIG_DRIVE, ptr));
    boolean cloudInit = d.format() == ConfigFormat.CLOUD_INIT;
    String target =
        d.target()
            .map(Shorthands::target)
            .orElse(cloudInit ? "new-partition=cidata" : "partition=boot");
    b.args("write", "--format", WireNames.of(d.format()), "--target", target);
    d.userData()
        .ifPresent(
            u -> {
              switch (u) {
                case TextValue.Literal l ->
                    b.files.put(
                        Shorthands.INPUT_DIR + "user-data", c.text(l.value(), cp + "/userData"));
                case TextValue.SecretRef s ->
                    b.secretFiles.put(Shorthands.INPUT_DIR + "user-data", s.name());
              }
            });
    if (!d.metaData().isEmpty()) {
      TreeMap<String, Object> meta = new TreeMap<>();
      d.metaData()
          .forEach((k, v) -> meta.put(k, c.text(v, cp + "/metaData/" + SourceMap.escape(k))));
      b.files.put(Shorthands.INPUT_DIR + "meta-data", json(meta));
    }
    d.networkConfig()
        .ifPresent(
            n ->
                b.files.put(
                    Shorthands.INPUT_DIR + "network-config",
                    json(c.tree(n, cp + "/networkConfig"))));
    d.ignition()
        .ifPresent(
            i ->
                b.files.put(
                    Shorthands.INPUT_DIR + "config.ign", json(c.tree(i, cp + "/ignition"))));
    return b.device(DeviceClass.TARGET_DISK).build(d.policy(), Duration.ofMinutes(5));
  }

  /** Canonical JSON (valid YAML too, which cloud-init reads), with a final newline. */
  private static String json(Object tree) {
    try {
      return Json.PRETTY.writeValueAsString(tree instanceof Map<?, ?> m ? m : tree) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
