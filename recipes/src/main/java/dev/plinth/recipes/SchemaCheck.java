/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Validates a document against {@code recipe.schema.json} and rewrites the validator's messages
 * into located, compiler-style errors that say what was expected (with a "did you mean" for
 * misspelt keys and values). Errors nested inside a failed {@code oneOf}/{@code anyOf} are folded
 * into one error for that value.
 */
final class SchemaCheck {
  private static final JsonNode SCHEMA_TREE = loadTree();
  private static final JsonSchema SCHEMA = compile(SCHEMA_TREE);

  private SchemaCheck() {}

  /** The schema as a tree, for callers that describe it (error hints, tests). */
  static JsonNode schemaTree() {
    return SCHEMA_TREE;
  }

  static List<RecipeError> check(JsonNode root, SourceMap map) {
    Set<ValidationMessage> messages = SCHEMA.validate(root);
    List<String> umbrellas = new ArrayList<>();
    for (ValidationMessage m : messages) {
      if (m.getType().equals("oneOf") || m.getType().equals("anyOf")) {
        umbrellas.add(m.getEvaluationPath().toString());
      }
    }
    List<RecipeError> errors = new ArrayList<>();
    for (ValidationMessage m : messages) {
      String eval = m.getEvaluationPath().toString();
      if (umbrellas.stream().anyMatch(u -> !u.equals(eval) && eval.startsWith(u + "/"))) {
        continue;
      }
      errors.add(translate(m, map));
    }
    return errors;
  }

  private static RecipeError translate(ValidationMessage m, SourceMap map) {
    String ptr = pointer(m.getInstanceLocation());
    JsonNode parent = parentSchema(m);
    JsonNode value = m.getInstanceNode();
    Object[] args = m.getArguments() == null ? new Object[0] : m.getArguments();
    return switch (m.getType()) {
      case "required" -> {
        String prop = m.getProperty();
        yield map.error(
            ptr,
            "missing required key '" + prop + "'" + in(ptr),
            "'" + prop + "': " + describe(parent.path("properties").path(prop)));
      }
      case "additionalProperties" -> {
        String prop = m.getProperty();
        List<String> allowed = new ArrayList<>();
        parent.path("properties").fieldNames().forEachRemaining(allowed::add);
        yield map.error(
            ptr + "/" + SourceMap.escape(prop),
            true,
            "unknown key '" + prop + "'" + in(ptr) + Hints.didYouMean(prop, allowed),
            "one of " + String.join(", ", allowed));
      }
      case "type" -> {
        String found = args.length > 0 ? String.valueOf(args[0]) : value.getNodeType().toString();
        boolean wantsString = deref(parent).path("type").asText().equals("string");
        String hint =
            wantsString && value.isValueNode() && !value.isTextual()
                ? " (quote it to make it a string)"
                : "";
        yield map.error(
            ptr,
            "wrong type: found " + Hints.typeName(found) + hint,
            ptr.isEmpty() ? TreeReader.ROOT : describe(parent));
      }
      case "enum", "const" ->
          map.error(
              ptr,
              Hints.show(value)
                  + " is not allowed here"
                  + Hints.didYouMean(value.asText(), Hints.choices(parent)),
              describe(parent));
      case "pattern" ->
          map.error(
              ptr,
              Hints.show(value)
                  + " is not valid"
                  + (parent.equals(SCHEMA_TREE.at("/$defs/reference"))
                      ? Hints.referenceProblem(value.asText())
                      : ""),
              describe(parent));
      case "oneOf", "anyOf" -> oneOf(ptr, parent, value, map);
      case "propertyNames" -> {
        String key = args.length > 0 ? String.valueOf(args[0]) : "";
        yield map.error(
            ptr + "/" + SourceMap.escape(key),
            true,
            "key " + Hints.show(key) + " is not valid",
            describe(parent.path("propertyNames")));
      }
      case "minItems", "maxItems", "minLength", "maxLength", "maxProperties" ->
          map.error(
              ptr,
              Hints.count(m.getType(), value, parent),
              Hints.countExpected(m.getType(), parent));
      case "minimum", "maximum" ->
          map.error(
              ptr,
              value
                  + (m.getType().equals("minimum")
                      ? " is below the minimum "
                      : " is above the maximum ")
                  + parent.path(m.getType()),
              Hints.range(parent));
      case "uniqueItems" -> map.error(ptr, "the list repeats an item", "each item once");
      default -> map.error(ptr, stripPath(m.getMessage()), describe(parent));
    };
  }

  private static RecipeError oneOf(String ptr, JsonNode parent, JsonNode value, SourceMap map) {
    JsonNode branches = parent.has("oneOf") ? parent.get("oneOf") : parent.path("anyOf");
    List<String> actions = new ArrayList<>();
    for (JsonNode b : branches) {
      if (b.size() == 1 && b.path("required").size() == 1) {
        actions.add(b.get("required").get(0).asText());
      }
    }
    if (actions.size() == branches.size() && value.isObject()) {
      List<String> present = actions.stream().filter(value::has).toList();
      String message =
          present.isEmpty()
              ? "this step has no action"
              : "this step has " + present.size() + " actions (" + String.join(", ", present) + ")";
      return map.error(ptr, message, "exactly one of " + String.join(", ", actions));
    }
    return map.error(ptr, Hints.show(value) + " does not match any allowed form", describe(parent));
  }

  private static String in(String ptr) {
    return ptr.isEmpty() ? " at the top level" : "";
  }

  private static String stripPath(String message) {
    int colon = message.indexOf(": ");
    return colon >= 0 && message.startsWith("/") || message.startsWith(": ")
        ? message.substring(colon + 2)
        : message;
  }

  /** Describes what a schema accepts, in words. */
  static String describe(JsonNode schema) {
    JsonNode s = deref(schema);
    if (s.has("description") && !s.path("description").asText().contains("\n")) {
      String d = s.get("description").asText();
      if (d.length() <= 200) {
        return d;
      }
    }
    if (s.has("const")) {
      return Hints.show(s.get("const"));
    }
    if (s.has("enum")) {
      return "one of " + String.join(", ", Hints.choices(s));
    }
    if (s.has("type")) {
      String t = Hints.typeName(s.get("type").asText());
      if (s.has("required")) {
        List<String> req = new ArrayList<>();
        s.get("required").forEach(r -> req.add(r.asText()));
        return t + " with " + String.join(", ", req);
      }
      return t;
    }
    return "a value the schema allows";
  }

  static JsonNode deref(JsonNode schema) {
    JsonNode s = schema;
    for (int i = 0; i < 8 && s.has("$ref"); i++) {
      String ref = s.get("$ref").asText();
      s = ref.startsWith("#") ? SCHEMA_TREE.at(ref.substring(1)) : s;
    }
    return s;
  }

  private static JsonNode parentSchema(ValidationMessage m) {
    JsonNodePath fragment = m.getSchemaLocation().getFragment();
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < fragment.getNameCount() - 1; i++) {
      p.append('/').append(SourceMap.escape(String.valueOf(fragment.getElement(i))));
    }
    return SCHEMA_TREE.at(JsonPointer.compile(p.toString()));
  }

  private static String pointer(JsonNodePath path) {
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      p.append('/').append(SourceMap.escape(String.valueOf(path.getElement(i))));
    }
    return p.toString();
  }

  private static JsonNode loadTree() {
    try (InputStream in = RecipeSchema.open()) {
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema compile(JsonNode tree) {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .locale(Locale.ROOT)
            .formatAssertionsEnabled(true)
            .build();
    return factory.getSchema(tree, config);
  }
}
