/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.DiskMatch;
import dev.plinth.recipes.model.DiskSelection;
import dev.plinth.recipes.model.WireNames;
import dev.plinth.recipes.plan.ExecutionPlan;
import dev.plinth.recipes.plan.ExpandedStep;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A plan as people read it ({@code plinth recipe explain}): one block per step, shell-quoted. */
public final class PlanText {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private PlanText() {}

  /** The plan in text, ending with a newline. */
  public static String render(ExecutionPlan plan) {
    StringBuilder b = new StringBuilder();
    b.append("recipe ")
        .append(plan.recipe())
        .append(": ")
        .append(plan.steps().size())
        .append(plan.steps().size() == 1 ? " step" : " steps")
        .append(", then ")
        .append(WireNames.of(plan.finalAction()))
        .append('\n');
    plan.disk().ifPresent(d -> b.append("target disk: ").append(disk(d)).append('\n'));
    for (int i = 0; i < plan.steps().size(); i++) {
      step(b, i + 1, plan.steps().get(i));
    }
    return b.toString();
  }

  private static void step(StringBuilder b, int n, ExpandedStep s) {
    b.append('\n')
        .append(n)
        .append(". ")
        .append(s.name())
        .append(" (")
        .append(s.action())
        .append(")\n");
    b.append("   image:   ").append(s.image()).append('\n');
    b.append("   args:    ").append(quote(s.args())).append('\n');
    s.env()
        .forEach(
            (k, v) -> b.append("   env:     ").append(k).append('=').append(quote(v)).append('\n'));
    s.secretEnv()
        .forEach(
            (k, v) ->
                b.append("   env:     ").append(k).append(" from secret ").append(v).append('\n'));
    s.files()
        .forEach(
            (k, v) ->
                b.append("   file:    ")
                    .append(k)
                    .append(" (")
                    .append(v.getBytes(StandardCharsets.UTF_8).length)
                    .append(" bytes)\n"));
    s.secretFiles()
        .forEach(
            (k, v) ->
                b.append("   file:    ").append(k).append(" from secret ").append(v).append('\n'));
    List<String> host = new ArrayList<>();
    s.devices().forEach(d -> host.add("device " + WireNames.of(d)));
    s.mounts().forEach(m -> host.add("mount " + m));
    if (s.privileged()) {
      host.add("privileged");
    }
    if (!host.isEmpty()) {
      b.append("   host:    ").append(String.join(", ", host)).append('\n');
    }
    b.append("   policy:  timeout ")
        .append(RecipeWriter.duration(Duration.ofSeconds(s.timeoutSeconds())))
        .append(", ")
        .append(s.retries())
        .append(s.retries() == 1 ? " retry" : " retries")
        .append(", on failure ")
        .append(WireNames.of(s.onFailure()))
        .append('\n');
  }

  static String disk(DiskSelection d) {
    DiskMatch m = d.match();
    List<String> rules = new ArrayList<>();
    m.byPath().ifPresent(v -> rules.add("by-path " + v));
    m.serial().ifPresent(v -> rules.add("serial " + v));
    m.wwn().ifPresent(v -> rules.add("wwn " + v));
    m.model().ifPresent(v -> rules.add("model " + v));
    m.rotational().ifPresent(v -> rules.add(v ? "rotational" : "non-rotational"));
    m.transport().ifPresent(v -> rules.add(WireNames.of(v)));
    m.minSize().ifPresent(v -> rules.add(">= " + v));
    m.maxSize().ifPresent(v -> rules.add("<= " + v));
    return WireNames.of(d.prefer())
        + " non-removable disk"
        + (rules.isEmpty() ? "" : " (" + String.join(", ", rules) + ")")
        + ", wipe "
        + WireNames.of(d.wipe());
  }

  private static String quote(List<String> args) {
    List<String> out = new ArrayList<>();
    args.forEach(a -> out.add(quote(a)));
    return String.join(" ", out);
  }

  private static String quote(String s) {
    return PLAIN.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
