/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One traversal of one document into a Jackson tree, recording positions and enforcing {@link
 * Limits}: nesting depth, aliases, the expanded size (alias bombs), string and number length. YAML
 * merge keys are applied; duplicate keys are errors.
 */
final class TreeWalk {
  /** A fatal problem: reading stops here. */
  static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RecipeError error;

    Stop(RecipeError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  private record Anchored(JsonNode node, int size) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Limits limits;
  private final JsonParser p;
  private final String text;
  private final YAMLParser yaml;
  private final SourceMap map;
  private final List<RecipeError> errors;
  private final Map<String, Anchored> anchors = new HashMap<>();
  private int nodes;
  private int aliases;

  TreeWalk(Limits limits, JsonParser p, String text, SourceMap map, List<RecipeError> errors) {
    this.limits = limits;
    this.p = p;
    this.text = text;
    this.yaml = p instanceof YAMLParser y ? y : null;
    this.map = map;
    this.errors = errors;
  }

  JsonNode value(JsonToken t, String ptr, int depth, int keyLine, int keyCol) throws IOException {
    JsonLocation loc = p.currentTokenLocation();
    int line = loc.getLineNr();
    int col = loc.getColumnNr();
    map.put(ptr, keyLine, keyCol, line, col);
    if (yaml != null && yaml.isCurrentAlias()) {
      return alias(yaml.getText(), ptr, line, col);
    }
    String anchor = yaml == null ? null : anchor(loc);
    int before = nodes;
    JsonNode node =
        switch (t) {
          case START_OBJECT -> object(ptr, depth, line, col);
          case START_ARRAY -> array(ptr, depth, line, col);
          case VALUE_STRING -> NODES.textNode(string(ptr, line, col));
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(t, ptr, line, col);
          case VALUE_TRUE -> NODES.booleanNode(true);
          case VALUE_FALSE -> NODES.booleanNode(false);
          case VALUE_NULL -> NODES.nullNode();
          default -> throw stop(line, col, ptr, "unsupported value (" + t + ")", "a YAML value");
        };
    count(1, ptr, line, col);
    if (anchor != null) {
      anchors.put(anchor, new Anchored(node, nodes - before));
    }
    return node;
  }

  /**
   * The anchor on the value starting at {@code loc}. Jackson reports anchors of mappings and lists
   * only; a scalar's anchor is read from the text, where the value's location points at it.
   */
  private String anchor(JsonLocation loc) throws IOException {
    String id = yaml.getObjectId();
    if (id != null) {
      return id;
    }
    int at = (int) loc.getCharOffset();
    if (at < 0 || at >= text.length() || text.charAt(at) != '&') {
      return null;
    }
    int end = at + 1;
    while (end < text.length() && " \t\r\n,[]{}".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    return text.substring(at + 1, end);
  }

  private String string(String ptr, int line, int col) throws IOException {
    String s = p.getText();
    if (s.length() > limits.maxStringLength()) {
      throw stop(
          line,
          col,
          ptr,
          "a string of " + s.length() + " characters, longer than the limit",
          "at most "
              + limits.maxStringLength()
              + " characters (large content belongs in the registry)");
    }
    return s;
  }

  private JsonNode number(JsonToken t, String ptr, int line, int col) throws IOException {
    if (p.getTextLength() > 64) {
      throw stop(
          line,
          col,
          ptr,
          "a number of " + p.getTextLength() + " digits",
          "a number of at most 64 digits");
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return NODES.numberNode(p.getDecimalValue());
    }
    return switch (p.getNumberType()) {
      case INT -> NODES.numberNode(p.getIntValue());
      case LONG -> NODES.numberNode(p.getLongValue());
      default -> NODES.numberNode(p.getBigIntegerValue());
    };
  }

  private JsonNode alias(String name, String ptr, int line, int col) {
    aliases++;
    if (aliases > limits.maxAliases()) {
      throw stop(
          line,
          col,
          ptr,
          "too many YAML aliases: more than " + limits.maxAliases() + " in one recipe",
          "at most " + limits.maxAliases() + " aliases");
    }
    Anchored a = anchors.get(name);
    if (a == null) {
      throw stop(
          line,
          col,
          ptr,
          "YAML alias *" + name + " has no anchor &" + name + " before it",
          "an alias of an anchor defined earlier in the file");
    }
    count(a.size(), ptr, line, col);
    return a.node();
  }

  private void count(int n, String ptr, int line, int col) {
    nodes += n;
    if (nodes > limits.maxNodes()) {
      throw stop(
          line,
          col,
          ptr,
          "the document expands to more than " + limits.maxNodes() + " values (a YAML alias bomb?)",
          "a recipe of at most " + limits.maxNodes() + " values, aliases expanded");
    }
  }

  private ObjectNode object(String ptr, int depth, int line, int col) throws IOException {
    checkDepth(depth, ptr, line, col);
    ObjectNode o = NODES.objectNode();
    Map<String, Integer> firstLine = new HashMap<>();
    List<ObjectNode> merges = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonLocation kl = p.currentTokenLocation();
      String child = ptr + "/" + SourceMap.escape(name);
      JsonNode v = value(p.nextToken(), child, depth + 1, kl.getLineNr(), kl.getColumnNr());
      if (firstLine.containsKey(name)) {
        errors.add(
            new RecipeError(
                map.file(),
                kl.getLineNr(),
                kl.getColumnNr(),
                child,
                "duplicate key '" + name + "' (first at line " + firstLine.get(name) + ")",
                "each key once per mapping"));
        continue;
      }
      if (yaml != null && name.equals("<<")) {
        merge(v, merges, child, kl);
        continue;
      }
      firstLine.put(name, kl.getLineNr());
      o.set(name, v);
    }
    if (t != JsonToken.END_OBJECT) {
      throw stop(line, col, ptr, "unexpected " + t + " in a mapping", "a mapping");
    }
    // YAML merge keys: keys written in the mapping win, then earlier merged mappings.
    for (ObjectNode m : merges) {
      m.properties().forEach(e -> o.putIfAbsent(e.getKey(), e.getValue()));
    }
    return o;
  }

  private void merge(JsonNode v, List<ObjectNode> merges, String ptr, JsonLocation kl) {
    List<JsonNode> sources = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(sources::add);
    } else {
      sources.add(v);
    }
    for (JsonNode m : sources) {
      if (!m.isObject()) {
        errors.add(
            new RecipeError(
                map.file(),
                kl.getLineNr(),
                kl.getColumnNr(),
                ptr,
                "a YAML merge key (<<) takes a mapping, found "
                    + m.getNodeType().toString().toLowerCase(java.util.Locale.ROOT),
                "an alias of a mapping (<<: *name) or a list of them"));
        continue;
      }
      merges.add((ObjectNode) m);
    }
  }

  private ArrayNode array(String ptr, int depth, int line, int col) throws IOException {
    checkDepth(depth, ptr, line, col);
    ArrayNode a = NODES.arrayNode();
    JsonToken t;
    int i = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw stop(line, col, ptr, "the list is not closed", "a closed list");
      }
      a.add(value(t, ptr + "/" + i, depth + 1, 0, 0));
      i++;
    }
    return a;
  }

  private void checkDepth(int depth, String ptr, int line, int col) {
    if (depth > limits.maxDepth()) {
      throw stop(
          line,
          col,
          ptr,
          "values are nested deeper than " + limits.maxDepth() + " levels",
          "at most " + limits.maxDepth() + " levels of nesting");
    }
  }

  private Stop stop(int line, int col, String ptr, String message, String expected) {
    return new Stop(new RecipeError(map.file(), line, col, ptr, message, expected));
  }
}
