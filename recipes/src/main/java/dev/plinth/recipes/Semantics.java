/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.recipes.model.BootloaderStep;
import dev.plinth.recipes.model.BootloaderType;
import dev.plinth.recipes.model.ByteSize;
import dev.plinth.recipes.model.ConfigDriveStep;
import dev.plinth.recipes.model.ConfigFormat;
import dev.plinth.recipes.model.DiskMatch;
import dev.plinth.recipes.model.Filesystem;
import dev.plinth.recipes.model.FirmwareStep;
import dev.plinth.recipes.model.InputSpec;
import dev.plinth.recipes.model.OsImageStep;
import dev.plinth.recipes.model.Partition;
import dev.plinth.recipes.model.PartitionStep;
import dev.plinth.recipes.model.Recipe;
import dev.plinth.recipes.model.RunStep;
import dev.plinth.recipes.model.Step;
import dev.plinth.recipes.model.Target;
import dev.plinth.recipes.model.WimStep;
import dev.plinth.recipes.model.WipeScope;
import dev.plinth.recipes.model.WipeStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.IntStream;

/**
 * Checks of meaning the schema cannot express: variables, unique names, partitions that fit the
 * disk rules, partition labels that exist, options that belong together.
 */
final class Semantics {
  /** Where variables may appear: arguments, env, kernel arguments and config-drive content. */
  private static final Pattern VARIABLES_ALLOWED =
      Pattern.compile(
          "/steps/\\d+/(run/(args|env)/.+|bootloader/kernelArgs/\\d+"
              + "|configDrive/(userData|metaData|networkConfig|ignition)(/.*)?)");

  private Semantics() {}

  /** Every {@code ${...}} in the document: syntax, known names, declared inputs, allowed place. */
  static void variables(JsonNode root, SourceMap map, List<RecipeError> errors) {
    Set<String> inputs = new HashSet<>();
    root.path("inputs").fieldNames().forEachRemaining(inputs::add);
    scan(root, "", inputs, map, errors);
  }

  private static void scan(
      JsonNode node, String ptr, Set<String> inputs, SourceMap map, List<RecipeError> errors) {
    if (node.isContainerNode()) {
      if (node.isObject()) {
        node.properties()
            .forEach(
                e ->
                    scan(
                        e.getValue(),
                        ptr + "/" + SourceMap.escape(e.getKey()),
                        inputs,
                        map,
                        errors));
      } else {
        for (int i = 0; i < node.size(); i++) {
          scan(node.get(i), ptr + "/" + i, inputs, map, errors);
        }
      }
      return;
    }
    if (!node.isTextual() || !node.asText().contains("${")) {
      return;
    }
    List<Template.Problem> problems = new ArrayList<>();
    List<String> vars = Template.variables(node.asText(), problems);
    if (!vars.isEmpty() && !VARIABLES_ALLOWED.matcher(ptr).matches()) {
      errors.add(
          map.error(
              ptr,
              "variables are not allowed here",
              "a plain value (variables belong in run args and env, bootloader kernelArgs and"
                  + " configDrive content)"));
      return;
    }
    for (String v : vars) {
      Template.Problem p = Template.check(v, inputs);
      if (p != null) {
        problems.add(p);
      }
    }
    problems.forEach(p -> errors.add(map.error(ptr, p.message(), p.expected())));
  }

  /** The checks on the built model. */
  static void model(Recipe r, SourceMap map, List<RecipeError> errors) {
    List<Integer> indices = IntStream.range(0, r.steps().size()).boxed().toList();
    check(r.inputs(), r.disk().match(), r.steps(), indices, true, map, errors);
  }

  /**
   * The same checks when the schema found errors, on the parts it did not complain about: inputs,
   * disk rules and each step whose subtree is clean are bound and checked, so one run reports
   * errors of meaning too. Checks across steps (partition labels) need every step and are skipped.
   */
  static void partial(
      JsonNode root, List<RecipeError> schemaErrors, SourceMap map, List<RecipeError> errors) {
    Set<String> bad = new HashSet<>();
    schemaErrors.forEach(e -> bad.add(e.pointer()));
    Predicate<String> clean =
        ptr -> bad.stream().noneMatch(b -> b.equals(ptr) || b.startsWith(ptr + "/"));
    try {
      SortedMap<String, InputSpec> inputs =
          clean.test("/inputs") ? Binder.inputs(root) : new TreeMap<>();
      DiskMatch disk =
          clean.test("/disk") ? Binder.disk(root.path("disk")).match() : DiskMatch.any();
      List<Step> steps = new ArrayList<>();
      List<Integer> indices = new ArrayList<>();
      JsonNode all = root.path("steps");
      for (int i = 0; i < all.size(); i++) {
        if (clean.test("/steps/" + i)) {
          steps.add(Binder.step(all.get(i)));
          indices.add(i);
        }
      }
      check(inputs, disk, steps, indices, steps.size() == all.size(), map, errors);
    } catch (RuntimeException e) {
      // A part the schema let through but the model refuses: the schema errors already explain it.
    }
  }

  private static void check(
      SortedMap<String, InputSpec> inputs,
      DiskMatch m,
      List<Step> steps,
      List<Integer> indices,
      boolean complete,
      SourceMap map,
      List<RecipeError> errors) {
    inputs(inputs, map, errors);
    if (m.minSize().isPresent()
        && m.maxSize().isPresent()
        && m.minSize().get().compareTo(m.maxSize().get()) > 0) {
      errors.add(
          map.error(
              "/disk/match/maxSize",
              "maxSize " + m.maxSize().get() + " is smaller than minSize " + m.minSize().get(),
              "maxSize at least minSize"));
    }
    Map<String, Integer> names = new HashMap<>();
    Set<String> labels = new HashSet<>();
    boolean partitioned = false;
    for (int k = 0; k < steps.size(); k++) {
      Step s = steps.get(k);
      int i = indices.get(k);
      String ptr = "/steps/" + i;
      if (s.name().startsWith("plinth-")) {
        errors.add(
            map.error(
                ptr + "/name",
                "step names starting with 'plinth-' are reserved for generated steps",
                "another name"));
      }
      Integer first = names.putIfAbsent(s.name(), i);
      if (first != null) {
        errors.add(
            map.error(
                ptr + "/name",
                "duplicate step name '" + s.name() + "' (also step " + (first + 1) + ")",
                "a name used by one step only"));
      }
      if (s instanceof PartitionStep p) {
        partitions(p, ptr, m, map, errors);
        p.partitions().forEach(x -> labels.add(x.label()));
        partitioned = true;
      }
      step(s, ptr, complete && partitioned ? labels : null, map, errors);
    }
  }

  /** Steps that write to the target disk need a {@code disk:} section; checked on the tree. */
  static void requireDisk(JsonNode root, Recipe r, SourceMap map, List<RecipeError> errors) {
    if (root.has("disk")) {
      return;
    }
    for (int i = 0; i < r.steps().size(); i++) {
      Step s = r.steps().get(i);
      if (usesTargetDisk(s)) {
        errors.add(
            map.error(
                "/steps/" + i,
                "step '" + s.name() + "' writes to the target disk, but the recipe has no 'disk'",
                "a top-level 'disk:' with match rules (for example minSize, rotational)"));
        return;
      }
    }
  }

  static boolean usesTargetDisk(Step s) {
    return switch (s) {
      case RunStep r -> r.devices().contains(dev.plinth.recipes.model.DeviceClass.TARGET_DISK);
      case WipeStep w -> w.disks() == WipeScope.TARGET;
      case FirmwareStep f -> false;
      default -> true;
    };
  }

  private static void inputs(
      SortedMap<String, InputSpec> inputs, SourceMap map, List<RecipeError> errors) {
    for (Map.Entry<String, InputSpec> e : inputs.entrySet()) {
      String ptr = "/inputs/" + SourceMap.escape(e.getKey());
      if (e.getValue().pattern().isEmpty()) {
        continue;
      }
      try {
        Pattern p = Pattern.compile(e.getValue().pattern().get());
        e.getValue()
            .defaultValue()
            .filter(d -> !p.matcher(d).matches())
            .ifPresent(
                d ->
                    errors.add(
                        map.error(
                            ptr + "/default",
                            "default " + Hints.show(d) + " does not match the input's pattern",
                            "a value matching " + p.pattern())));
      } catch (PatternSyntaxException ex) {
        errors.add(
            map.error(
                ptr + "/pattern",
                "not a valid regular expression: " + ex.getDescription(),
                "a Java regular expression"));
      }
    }
  }

  private static void partitions(
      PartitionStep p, String ptr, DiskMatch m, SourceMap map, List<RecipeError> errors) {
    Set<String> seen = new HashSet<>();
    long fixed = 0;
    for (int j = 0; j < p.partitions().size(); j++) {
      Partition x = p.partitions().get(j);
      String pp = ptr + "/partition/partitions/" + j;
      if (!seen.add(x.label())) {
        errors.add(
            map.error(
                pp + "/label",
                "duplicate partition label '" + x.label() + "'",
                "a label used once per disk"));
      }
      if (x.fillsRest() && j != p.partitions().size() - 1) {
        errors.add(
            map.error(
                pp + "/size",
                "only the last partition can take the rest of the disk",
                "a fixed size such as 512MiB"));
      }
      if (x.type().equals("esp") && x.filesystem() != Filesystem.VFAT) {
        errors.add(
            map.error(
                pp + "/filesystem", "an EFI system partition needs vfat", "filesystem: vfat"));
      }
      fixed += x.size().map(ByteSize::bytes).orElse(0L);
    }
    // GPT takes 1 MiB at the start (alignment) and 33 sectors at the end.
    long need = fixed + (2L << 20);
    String bound = m.minSize().isPresent() ? "minSize" : m.maxSize().isPresent() ? "maxSize" : null;
    if (bound != null) {
      ByteSize b = bound.equals("minSize") ? m.minSize().get() : m.maxSize().get();
      if (need > b.bytes()) {
        errors.add(
            map.error(
                ptr + "/partition/partitions",
                "the partitions need "
                    + ByteSize.human(need)
                    + " but the disk rules accept disks of "
                    + b
                    + " ("
                    + bound
                    + ")",
                "partitions that fit in " + b + ", or a larger " + bound));
      }
    }
  }

  private static void step(
      Step s, String ptr, Set<String> labels, SourceMap map, List<RecipeError> errors) {
    switch (s) {
      case OsImageStep i -> label(i.target(), ptr + "/image/target", labels, map, errors);
      case WimStep w -> label(w.target(), ptr + "/wim/target", labels, map, errors);
      case BootloaderStep b -> {
        labelName(b.esp(), ptr + "/bootloader/esp", labels, map, errors);
        b.root().ifPresent(rt -> labelName(rt, ptr + "/bootloader/root", labels, map, errors));
        if (b.type() == BootloaderType.BCD && !b.kernelArgs().isEmpty()) {
          errors.add(
              map.error(
                  ptr + "/bootloader/kernelArgs",
                  "kernelArgs do not apply to the Windows boot manager (bcd)",
                  "no kernelArgs, or type grub or systemd-boot"));
        }
        if (b.type() == BootloaderType.BCD && b.root().isEmpty()) {
          errors.add(
              map.error(
                  ptr + "/bootloader",
                  "the Windows boot manager needs the Windows partition",
                  "root: LABEL of the partition the WIM was applied to"));
        }
      }
      case ConfigDriveStep c -> configDrive(c, ptr, labels, map, errors);
      default -> {}
    }
  }

  private static void configDrive(
      ConfigDriveStep c, String ptr, Set<String> labels, SourceMap map, List<RecipeError> errors) {
    String cp = ptr + "/configDrive";
    if (c.format() == ConfigFormat.IGNITION) {
      if (c.ignition().isEmpty()) {
        errors.add(map.error(cp, "an ignition config drive needs 'ignition'", "ignition: {...}"));
      }
      for (String k : List.of("userData", "metaData", "networkConfig")) {
        boolean present =
            switch (k) {
              case "userData" -> c.userData().isPresent();
              case "metaData" -> !c.metaData().isEmpty();
              default -> c.networkConfig().isPresent();
            };
        if (present) {
          errors.add(
              map.error(cp + "/" + k, true, "'" + k + "' is for cloud-init", "format: cloud-init"));
        }
      }
    } else {
      if (c.ignition().isPresent()) {
        errors.add(
            map.error(
                cp + "/ignition", true, "'ignition' needs format: ignition", "format: ignition"));
      }
      if (c.userData().isEmpty() && c.metaData().isEmpty() && c.networkConfig().isEmpty()) {
        errors.add(
            map.error(
                cp,
                "a cloud-init config drive with nothing in it",
                "at least one of userData, metaData, networkConfig"));
      }
    }
    c.target().ifPresent(t -> label(t, cp + "/target", labels, map, errors));
  }

  private static void label(
      Target t, String ptr, Set<String> labels, SourceMap map, List<RecipeError> errors) {
    if (t instanceof Target.Partition p) {
      labelName(p.label(), ptr + "/partition", labels, map, errors);
    }
  }

  private static void labelName(
      String label, String ptr, Set<String> labels, SourceMap map, List<RecipeError> errors) {
    // Without an earlier partition step the disk keeps its partitions: any label may exist.
    if (labels != null && !labels.contains(label)) {
      errors.add(
          map.error(
              ptr,
              "no partition labelled '"
                  + label
                  + "' is created by an earlier partition step"
                  + Hints.didYouMean(label, List.copyOf(labels)),
              "one of " + String.join(", ", labels.stream().sorted().toList())));
    }
  }
}
