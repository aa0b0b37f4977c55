/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The variable syntax of recipe strings: {@code ${machine.name}}, {@code ${machine.macs[0]}},
 * {@code ${inputs.NAME}}; {@code $${} writes a literal {@code ${}. Secrets are never variables.
 */
final class Template {
  static final Pattern INPUT = Pattern.compile("inputs\\.([A-Za-z_][A-Za-z0-9_]{0,62})");
  static final Pattern MAC = Pattern.compile("machine\\.macs\\[(0|[1-9][0-9]?)\\]");
  static final Set<String> SIMPLE =
      Set.of("machine.name", "machine.id", "machine.serial", "job.id");
  static final String KNOWN =
      "${machine.name}, ${machine.id}, ${machine.serial}, ${machine.macs[N]}, ${job.id},"
          + " ${inputs.NAME}";

  private Template() {}

  /** One problem with a variable in a string. */
  record Problem(String message, String expected) {}

  /** The variable expressions in {@code text} (without {@code ${ }}), or the first problem. */
  static List<String> variables(String text, List<Problem> problems) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while ((i = text.indexOf("${", i)) >= 0) {
      if (i > 0 && text.charAt(i - 1) == '$') {
        i += 2;
        continue;
      }
      int end = text.indexOf('}', i);
      if (end < 0) {
        problems.add(new Problem("unterminated variable: '${' without '}'", "${name}"));
        return out;
      }
      out.add(text.substring(i + 2, end).trim());
      i = end + 1;
    }
    return out;
  }

  /** Checks one expression; inputs must be declared. Returns null when it is fine. */
  static Problem check(String expr, Set<String> declaredInputs) {
    if (SIMPLE.contains(expr) || MAC.matcher(expr).matches()) {
      return null;
    }
    var in = INPUT.matcher(expr);
    if (in.matches()) {
      String name = in.group(1);
      return declaredInputs.contains(name)
          ? null
          : new Problem(
              "input '"
                  + name
                  + "' is not declared"
                  + Hints.didYouMean(name, List.copyOf(declaredInputs)),
              "a key under 'inputs:' named '" + name + "'");
    }
    if (expr.startsWith("secrets.") || expr.startsWith("secret.")) {
      return new Problem(
          "secrets are never written inline: ${" + expr + "}",
          "{secretRef: NAME} as the whole value of an env entry or userData");
    }
    return new Problem("unknown variable ${" + expr + "}", "one of " + KNOWN);
  }

  /**
   * Replaces every variable with {@code resolve(expr)}; a null answer is left in {@code
   * unresolved}. {@code $${} becomes {@code ${}.
   */
  static String substitute(String text, Function<String, String> resolve, List<String> unresolved) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int at = text.indexOf("${", i);
      if (at < 0) {
        out.append(text, i, text.length());
        break;
      }
      if (at > 0 && text.charAt(at - 1) == '$') {
        out.append(text, i, at - 1).append("${");
        i = at + 2;
        continue;
      }
      int end = text.indexOf('}', at);
      if (end < 0) {
        out.append(text, i, text.length());
        break;
      }
      out.append(text, i, at);
      String expr = text.substring(at + 2, end).trim();
      String value = resolve.apply(expr);
      if (value == null) {
        unresolved.add(expr);
        out.append("${").append(expr).append('}');
      } else {
        out.append(value);
      }
      i = end + 1;
    }
    return out.toString();
  }
}
