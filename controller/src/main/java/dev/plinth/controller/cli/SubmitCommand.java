/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code plinth submit -f RECIPE --machine NAME [--input KEY=VALUE]... [--inputs-file FILE]
 * [--watch]}.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Submit a recipe for a machine; with --watch, follow it to the end.")
final class SubmitCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions opts;

  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "RECIPE",
      description = "Recipe file (YAML or JSON); - for stdin.")
  Path file;

  @Option(names = "--machine", required = true, paramLabel = "NAME")
  String machine;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "KEY=VALUE",
      description =
          "A job input (${inputs.KEY} in the recipe); repeatable. Wins over --inputs-file.")
  List<String> input = new ArrayList<>();

  @Option(
      names = "--inputs-file",
      paramLabel = "FILE",
      description = "Job inputs as a YAML or JSON object of strings.")
  Path inputsFile;

  @Option(
      names = {"-w", "--watch"},
      description = "Follow progress; exit 0 only on success.")
  boolean watch;

  @Override
  public Integer call() throws IOException {
    String text = CliFiles.readText(file, "the recipe's YAML or JSON file");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("machine", machine);
    body.put("recipeText", text);
    Map<String, String> inputs = inputs(inputsFile, input);
    if (!inputs.isEmpty()) {
      body.put("inputs", inputs);
    }
    ApiClient c = opts.client();
    JsonNode job = c.post("/api/v1/jobs", body);
    String id = job.path("id").asText();
    Output out = opts.out(spec.commandLine().getOut());
    if (!watch) {
      out.item(job, JobsCommand.ONE);
      return 0;
    }
    if (out.table()) {
      spec.commandLine().getOut().println("submitted job " + id + " for " + machine);
    }
    return JobsCommand.watch(c, id, out, spec.commandLine().getOut());
  }

  /** The inputs of {@code file} (if any), then each {@code KEY=VALUE}, later ones winning. */
  static Map<String, String> inputs(Path file, List<String> pairs) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (file != null) {
      JsonNode n;
      try {
        n =
            new ObjectMapper(new YAMLFactory())
                .readTree(CliFiles.readText(file, "a YAML or JSON object of inputs"));
      } catch (JacksonException e) {
        throw new UserException(
            file + ": not YAML or JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
      }
      if (n == null || n.isMissingNode() || n.isNull()) {
        n = new ObjectMapper().createObjectNode();
      }
      if (!n.isObject()) {
        throw new UserException(file + ": inputs must be an object of KEY: VALUE");
      }
      for (var e : n.properties()) {
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new UserException(file + ": input '" + e.getKey() + "' must be a string");
        }
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new UserException("--input " + p + ": expected KEY=VALUE");
      }
      out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return out;
  }
}
