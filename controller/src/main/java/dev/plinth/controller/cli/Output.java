/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints API results as a table (chosen columns), JSON or YAML. */
record Output(String format, PrintWriter w) {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  /** A table column: a header and a JSON pointer into each item. */
  record Column(String header, String pointer) {}

  static Output of(String format, PrintWriter w) {
    if (!List.of("table", "json", "yaml").contains(format)) {
      throw new UserException("unknown output format '" + format + "': use table, json or yaml");
    }
    return new Output(format, w);
  }

  static Column col(String header, String pointer) {
    return new Column(header, pointer);
  }

  boolean table() {
    return format.equals("table");
  }

  /** Prints a list of items. */
  void list(JsonNode items, Column... cols) {
    if (!table()) {
      raw(items);
      return;
    }
    List<String[]> rows = new ArrayList<>();
    String[] head = new String[cols.length];
    for (int i = 0; i < cols.length; i++) {
      head[i] = cols[i].header();
    }
    rows.add(head);
    for (JsonNode item : items) {
      String[] r = new String[cols.length];
      for (int i = 0; i < cols.length; i++) {
        JsonNode v = item.at(cols[i].pointer());
        r[i] = v.isMissingNode() || v.isNull() ? "-" : v.isValueNode() ? v.asText() : v.toString();
      }
      rows.add(r);
    }
    int[] width = new int[cols.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        b.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      w.println(b.toString().stripTrailing());
    }
    w.flush();
  }

  /** Prints one item: as key/value lines in table mode. */
  void item(JsonNode n, Column... cols) {
    if (!table()) {
      raw(n);
      return;
    }
    int width = 0;
    for (Column c : cols) {
      width = Math.max(width, c.header().length());
    }
    for (Column c : cols) {
      JsonNode v = n.at(c.pointer());
      if (v.isContainerNode() && !v.isEmpty() && !flat(v)) {
        w.println(c.header() + ":");
        block(v, "  ");
        continue;
      }
      w.printf("%-" + (width + 1) + "s %s%n", c.header() + ":", text(v));
    }
    w.flush();
  }

  /** A value on one line: scalars as they are, a list of scalars joined with commas. */
  private static String text(JsonNode v) {
    if (v.isMissingNode() || v.isNull() || (v.isContainerNode() && v.isEmpty())) {
      return "-";
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(e -> parts.add(e.asText()));
      return String.join(", ", parts);
    }
    return v.asText();
  }

  /** Whether {@code v} reads well on one line: a list of scalars. */
  private static boolean flat(JsonNode v) {
    if (!v.isArray()) {
      return false;
    }
    for (JsonNode e : v) {
      if (e.isContainerNode()) {
        return false;
      }
    }
    return true;
  }

  /**
   * A nested value as indented {@code key: value} lines, lists of objects as {@code -} items, and
   * no null or empty fields: a person reads it, {@code -o json} gives every field.
   */
  private void block(JsonNode v, String indent) {
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (e.isObject()) {
          w.println(indent + "-");
          block(e, indent + "  ");
        } else {
          w.println(indent + "- " + text(e));
        }
      }
      return;
    }
    for (var f : v.properties()) {
      JsonNode x = f.getValue();
      if (x.isNull() || (x.isContainerNode() && x.isEmpty())) {
        continue;
      }
      if (x.isContainerNode() && !flat(x)) {
        w.println(indent + f.getKey() + ":");
        block(x, indent + "  ");
      } else {
        w.println(indent + f.getKey() + ": " + text(x));
      }
    }
  }

  void raw(JsonNode n) {
    try {
      if (format.equals("yaml")) {
        w.print(YAML.writeValueAsString(n));
      } else {
        w.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
      }
      w.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
