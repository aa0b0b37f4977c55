/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Wording helpers for error messages: type names, quoting values, "did you mean". */
final class Hints {
  private Hints() {}

  static String typeName(String jsonType) {
    return switch (jsonType.toLowerCase(java.util.Locale.ROOT)) {
      case "object" -> "a mapping";
      case "array" -> "a list";
      case "string" -> "a string";
      case "integer" -> "an integer";
      case "number" -> "a number";
      case "boolean" -> "a boolean";
      case "null" -> "null (an empty value)";
      default -> jsonType;
    };
  }

  /** A value as it should appear in a message. */
  static String show(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "the value";
    }
    if (value.isTextual()) {
      return show(value.asText());
    }
    if (value.isContainerNode()) {
      return value.isObject() ? "this mapping" : "this list";
    }
    return value.toString();
  }

  static String show(String text) {
    String t = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return "'" + t + "'";
  }

  /** The allowed values of an enum or const schema, spelt as text. */
  static List<String> choices(JsonNode schema) {
    List<String> out = new ArrayList<>();
    if (schema.has("enum")) {
      schema.get("enum").forEach(v -> out.add(v.asText()));
    } else if (schema.has("const")) {
      out.add(schema.get("const").asText());
    }
    return out;
  }

  /** {@code " (did you mean 'size'?)"} when a candidate is close to {@code word}, else "". */
  static String didYouMean(String word, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d =
          distance(word.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    return best != null && bestDistance <= allowed && !best.equals(word)
        ? " (did you mean '" + best + "'?)"
        : "";
  }

  /** Levenshtein distance, for short words only (keys and enum values). */
  static int distance(String a, String b) {
    if (a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Why a reference is refused, in a few words: {@code " (no tag or digest)"}, or "". */
  static String referenceProblem(String ref) {
    int slash = ref.indexOf('/');
    String first = slash < 0 ? "" : ref.substring(0, slash);
    if (first.contains(":") || first.equals("localhost")) {
      return " (name a repository in Plinth's registry, without a host: drop '" + first + "/')";
    }
    int at = ref.indexOf('@');
    String noDigest = at < 0 ? ref : ref.substring(0, at);
    int colon = noDigest.lastIndexOf(':');
    String repo = colon < 0 ? noDigest : noDigest.substring(0, colon);
    if (!repo.equals(repo.toLowerCase(java.util.Locale.ROOT))) {
      return " (repository names are lowercase)";
    }
    if (colon < 0 && at < 0) {
      return " (add a tag such as :1.0 or a digest @sha256:...; there is no implicit latest)";
    }
    return "";
  }

  /** A size complaint: how many there are against the bound. */
  static String count(String keyword, JsonNode value, JsonNode schema) {
    int n = value.isTextual() ? value.asText().length() : value.size();
    String unit =
        switch (keyword) {
          case "minLength", "maxLength" -> "characters";
          case "maxProperties" -> "entries";
          default -> "items";
        };
    long bound = schema.path(keyword).asLong();
    return keyword.startsWith("min")
        ? (n == 0
            ? "this " + (unit.equals("characters") ? "string" : "list") + " is empty"
            : "has " + n + " " + unit + ", at least " + bound + " needed")
        : "has " + n + " " + unit + ", at most " + bound + " allowed";
  }

  /** {@code "a list of at least 1 item"}. */
  static String countExpected(String keyword, JsonNode schema) {
    long bound = schema.path(keyword).asLong();
    String what =
        switch (keyword) {
          case "minLength", "maxLength" -> "a string of ";
          case "maxProperties" -> "a mapping of ";
          default -> "a list of ";
        };
    String unit =
        switch (keyword) {
          case "minLength", "maxLength" -> bound == 1 ? "character" : "characters";
          case "maxProperties" -> bound == 1 ? "entry" : "entries";
          default -> bound == 1 ? "item" : "items";
        };
    return what + (keyword.startsWith("min") ? "at least " : "at most ") + bound + " " + unit;
  }

  /** {@code "an integer from 0 to 10"}. */
  static String range(JsonNode schema) {
    String t = typeName(schema.path("type").asText("number"));
    if (schema.has("minimum") && schema.has("maximum")) {
      return t + " from " + schema.get("minimum") + " to " + schema.get("maximum");
    }
    return schema.has("minimum")
        ? t + " of at least " + schema.get("minimum")
        : t + " of at most " + schema.get("maximum");
  }
}
