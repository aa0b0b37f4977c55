/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.DeviceClass;
import dev.plinth.recipes.model.ImageRef;
import dev.plinth.recipes.model.InputSpec;
import dev.plinth.recipes.model.Recipe;
import dev.plinth.recipes.model.WipePolicy;
import dev.plinth.recipes.plan.ExecutionPlan;
import dev.plinth.recipes.plan.ExpandedStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Expands step by step through a {@link Shorthands.Context} that substitutes and pins. */
final class DefaultRecipeExpander implements RecipeExpander {
  private final ToolImages tools;

  DefaultRecipeExpander(ToolImages tools) {
    this.tools = tools;
  }

  @Override
  public ExpandResult expand(Recipe recipe, SourceMap source, Variables variables) {
    return run(recipe, source, variables, null);
  }

  @Override
  public ExpandResult expand(
      Recipe recipe, SourceMap source, Variables variables, ReferenceResolver resolver) {
    return run(recipe, source, variables, resolver);
  }

  private ExpandResult run(
      Recipe recipe, SourceMap source, Variables vars, ReferenceResolver resolver) {
    List<RecipeError> errors = new ArrayList<>();
    Map<String, String> inputs = inputs(recipe, vars, source, errors);
    Ctx ctx = new Ctx(vars, inputs, source, resolver, errors);
    List<ExpandedStep> steps = new ArrayList<>();
    boolean targetDisk = recipe.steps().stream().anyMatch(Semantics::usesTargetDisk);
    if (targetDisk && recipe.disk().wipe() != WipePolicy.NONE) {
      steps.add(Shorthands.diskWipe(recipe.disk().wipe(), ctx));
    }
    for (int i = 0; i < recipe.steps().size(); i++) {
      steps.add(Shorthands.expand(recipe.steps().get(i), "/steps/" + i, ctx));
    }
    if (!errors.isEmpty()) {
      List<RecipeError> sorted = new ArrayList<>(new LinkedHashSet<>(errors));
      sorted.sort(
          Comparator.comparingInt(RecipeError::line)
              .thenComparingInt(RecipeError::column)
              .thenComparing(RecipeError::message));
      return new ExpandResult.Failed(sorted);
    }
    boolean needsDisk = steps.stream().anyMatch(s -> s.devices().contains(DeviceClass.TARGET_DISK));
    return new ExpandResult.Expanded(
        new ExecutionPlan(
            recipe.metadata().name(),
            needsDisk ? Optional.of(recipe.disk()) : Optional.empty(),
            steps,
            recipe.finalAction()));
  }

  /** The job's inputs checked against the recipe's declarations, defaults filled in. */
  private static Map<String, String> inputs(
      Recipe recipe, Variables vars, SourceMap source, List<RecipeError> errors) {
    Map<String, String> out = new HashMap<>();
    for (var e : recipe.inputs().entrySet()) {
      InputSpec spec = e.getValue();
      String ptr = "/inputs/" + SourceMap.escape(e.getKey());
      String value = vars.inputs().getOrDefault(e.getKey(), spec.defaultValue().orElse(null));
      if (value == null) {
        if (!vars.keepUnresolved()) {
          errors.add(
              source.error(
                  ptr,
                  true,
                  "the job does not supply input '" + e.getKey() + "', which has no default",
                  "a value for input '" + e.getKey() + "'"));
        }
        continue;
      }
      if (spec.pattern().isPresent() && !Pattern.matches(spec.pattern().get(), value)) {
        errors.add(
            source.error(
                ptr,
                true,
                "input '" + e.getKey() + "' = " + Hints.show(value) + " does not match its pattern",
                "a value matching " + spec.pattern().get()));
      }
      out.put(e.getKey(), value);
    }
    for (String given : vars.inputs().keySet()) {
      if (!recipe.inputs().containsKey(given)) {
        errors.add(
            source.error(
                "/inputs",
                "the job supplies input '" + given + "', which the recipe does not declare",
                "only declared inputs: " + String.join(", ", recipe.inputs().keySet())));
      }
    }
    return out;
  }

  /** Substitution and pinning for one expansion, collecting located errors. */
  private final class Ctx implements Shorthands.Context {
    private final Variables vars;
    private final Map<String, String> inputs;
    private final SourceMap source;
    private final ReferenceResolver resolver;
    private final List<RecipeError> errors;
    private final Map<ImageRef, Optional<String>> resolved = new HashMap<>();

    Ctx(
        Variables vars,
        Map<String, String> inputs,
        SourceMap source,
        ReferenceResolver resolver,
        List<RecipeError> errors) {
      this.vars = vars;
      this.inputs = inputs;
      this.source = source;
      this.resolver = resolver;
      this.errors = errors;
    }

    @Override
    public String tool(Tool tool, String ptr) {
      ImageRef ref = tools.of(tool);
      Optional<String> digest = pin(ref);
      if (digest == null) {
        return ref.toString();
      }
      if (digest.isEmpty()) {
        errors.add(
            source.error(
                ptr,
                "the tool image " + ref + " is not in the registry",
                "the tools images imported (plinth registry import) or pushed"));
        return ref.toString();
      }
      return ref.withDigest(digest.get()).toString();
    }

    @Override
    public String ref(ImageRef ref, String ptr) {
      Optional<String> digest = pin(ref);
      if (digest == null) {
        return ref.toString();
      }
      if (digest.isEmpty()) {
        errors.add(
            source.error(
                ptr,
                ref + " is not in the registry",
                "a repository and " + (ref.isPinned() ? "digest" : "tag") + " that exist"));
        return ref.toString();
      }
      if (ref.isPinned() && !ref.digest().equals(digest.get())) {
        errors.add(
            source.error(
                ptr,
                ref + " resolves to " + digest.get() + " in the registry",
                "the digest the registry holds"));
      }
      return ref.withDigest(digest.get()).toString();
    }

    /** Null when not pinning; otherwise the digest or empty. */
    private Optional<String> pin(ImageRef ref) {
      if (resolver == null) {
        return null;
      }
      return resolved.computeIfAbsent(
          ref,
          r -> {
            Optional<String> d = resolver.resolve(r);
            return d == null ? Optional.empty() : d;
          });
    }

    @Override
    public String text(String value, String ptr) {
      if (!value.contains("${")) {
        return value;
      }
      List<String> unresolved = new ArrayList<>();
      String out =
          Template.substitute(
              value,
              expr -> {
                String v = vars.resolve(expr, inputs);
                return v == null && vars.keepUnresolved() ? "${" + expr + "}" : v;
              },
              unresolved);
      for (String u : unresolved) {
        errors.add(
            source.error(
                ptr,
                "variable ${" + u + "} has no value for this job",
                "a machine with this property, or the job input"));
      }
      return out;
    }

    @Override
    public Object tree(Object value, String ptr) {
      if (value instanceof String s) {
        return text(s, ptr);
      }
      if (value instanceof Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put((String) k, tree(v, ptr + "/" + SourceMap.escape((String) k))));
        return out;
      }
      if (value instanceof List<?> l) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
          out.add(tree(l.get(i), ptr + "/" + i));
        }
        return out;
      }
      return value;
    }
  }
}
