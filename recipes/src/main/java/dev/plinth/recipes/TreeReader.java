/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON text into a Jackson tree while recording where every value came from. It is
 * the first line against hostile input: the caller has already checked size and encoding; this
 * class bounds nesting depth, alias use and the expanded size of the document (alias bombs), and
 * turns every parser failure into one located error. It never lets an exception escape.
 */
final class TreeReader {
  private final Limits limits;
  private final JsonFactory jsonFactory;
  private final YAMLFactory yamlFactory;

  TreeReader(Limits limits) {
    this.limits = limits;
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxDepth() + 1)
            .maxStringLength(limits.maxStringLength())
            .maxDocumentLength(limits.maxBytes())
            .maxNumberLength(64)
            .build();
    LoaderOptions loader = new LoaderOptions();
    loader.setCodePointLimit(limits.maxBytes());
    loader.setMaxAliasesForCollections(limits.maxAliases());
    loader.setNestingDepthLimit(limits.maxDepth() + 1);
    this.yamlFactory =
        YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(constraints).build();
    this.jsonFactory = JsonFactory.builder().streamReadConstraints(constraints).build();
  }

  /** The tree and its positions, or the errors that stopped or spoiled the read. */
  record Result(JsonNode root, SourceMap map, List<RecipeError> errors) {}

  /** Reads {@code text} (already decoded and checked) as JSON when it starts with '{' or '['. */
  Result read(String text, String file) {
    SourceMap map = new SourceMap(file);
    List<RecipeError> errors = new ArrayList<>();
    boolean json = firstContentChar(text) == '{' || firstContentChar(text) == '[';
    try (JsonParser p =
        json ? jsonFactory.createParser(text) : yamlFactory.createParser(text.toCharArray())) {
      TreeWalk walk = new TreeWalk(limits, p, text, map, errors);
      JsonToken first = p.nextToken();
      if (first == null) {
        errors.add(
            new RecipeError(
                file, 1, 1, "", "the file has no content, only comments or blank lines", ROOT));
        return new Result(null, map, errors);
      }
      JsonNode root = walk.value(first, "", 1, 0, 0);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        JsonLocation loc = p.currentTokenLocation();
        errors.add(
            new RecipeError(
                file,
                loc.getLineNr(),
                loc.getColumnNr(),
                "",
                json
                    ? "unexpected content after the end of the JSON document"
                    : "a recipe file holds one YAML document, found a second one",
                "one document"));
      }
      return new Result(root, map, errors);
    } catch (TreeWalk.Stop stop) {
      errors.add(stop.error);
    } catch (JsonProcessingException e) {
      errors.add(syntaxError(e, file, json));
    } catch (IOException | RuntimeException e) {
      // SnakeYAML throws its own unchecked exceptions (for example on a code point limit).
      errors.add(new RecipeError(file, 1, 1, "", "unreadable document: " + oneLine(e), ROOT));
    }
    return new Result(null, map, errors);
  }

  static final String ROOT = "a recipe mapping with apiVersion, kind, metadata and steps";

  private static char firstContentChar(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c) && c != '\uFEFF') {
        return c;
      }
    }
    return 0;
  }

  private static RecipeError syntaxError(JsonProcessingException e, String file, boolean json) {
    Throwable cause = e.getCause();
    if (cause instanceof MarkedYAMLException y && y.getProblemMark() != null) {
      String context = y.getContext() == null ? "" : " (" + y.getContext().trim() + ")";
      return new RecipeError(
          file,
          y.getProblemMark().getLine() + 1,
          y.getProblemMark().getColumn() + 1,
          "",
          "YAML syntax error: " + y.getProblem() + context,
          "well-formed YAML");
    }
    if (e instanceof StreamConstraintsException c) {
      JsonLocation l = c.getLocation();
      return new RecipeError(
          file,
          l == null ? 1 : Math.max(1, l.getLineNr()),
          l == null ? 1 : Math.max(1, l.getColumnNr()),
          "",
          "the document exceeds a limit: " + oneLine(c),
          "a recipe within the limits");
    }
    JsonLocation loc = e.getLocation();
    int line = loc == null ? 1 : Math.max(1, loc.getLineNr());
    int col = loc == null ? 1 : Math.max(1, loc.getColumnNr());
    String kind = json ? "JSON syntax error: " : "YAML syntax error: ";
    return new RecipeError(
        file, line, col, "", kind + oneLine(e), json ? "well-formed JSON" : "well-formed YAML");
  }

  private static String oneLine(Throwable e) {
    String m =
        e instanceof JsonProcessingException j
            ? j.getOriginalMessage()
            : String.valueOf(e.getMessage());
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).trim();
  }
}
