/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, enough to prove that what we
 * serve parses: every line is a HELP/TYPE comment or a sample with a valid name, labels and value.
 */
final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
  private static final String VALUE =
      "(?:[+-]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|Inf|NaN))";
  private static final Pattern SAMPLE =
      Pattern.compile(
          "("
              + NAME
              + ")(?:\\{(?:"
              + LABEL
              + "(?:,"
              + LABEL
              + ")*,?)?\\})? "
              + VALUE
              + "(?: -?[0-9]+)?");
  private static final Pattern HELP = Pattern.compile("# HELP " + NAME + "(?: .*)?");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE " + NAME + " (?:counter|gauge|histogram|summary|untyped)");

  private PrometheusText() {}

  /** Returns the sample names, or throws naming the first line that does not parse. */
  static List<String> parse(String text) {
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("exposition must end with a newline");
    }
    List<String> names = new ArrayList<>();
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      if (line.isEmpty() || HELP.matcher(line).matches() || TYPE.matcher(line).matches()) {
        continue;
      }
      if (line.startsWith("#") && !line.startsWith("# HELP") && !line.startsWith("# TYPE")) {
        continue;
      }
      var m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("line " + n + " is not Prometheus text: " + line);
      }
      names.add(m.group(1));
    }
    return names;
  }
}
