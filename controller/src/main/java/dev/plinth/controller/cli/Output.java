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
      String s =
          v.isMissingNode() || v.isNull() ? "-" : v.isValueNode() ? v.asText() : v.toString();
      w.printf("%-" + (width + 1) + "s %s%n", c.header() + ":", s);
    }
    w.flush();
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
