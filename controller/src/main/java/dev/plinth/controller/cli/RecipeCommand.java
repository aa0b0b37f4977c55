/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.recipes.ExpandResult;
import dev.plinth.recipes.Limits;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.PlanJson;
import dev.plinth.recipes.PlanText;
import dev.plinth.recipes.RecipeError;
import dev.plinth.recipes.RecipeExpander;
import dev.plinth.recipes.RecipeParser;
import dev.plinth.recipes.RecipeSchema;
import dev.plinth.recipes.Variables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth recipe}: validate recipes, show what they expand to, print the schema. */
@Command(
    name = "recipe",
    mixinStandardHelpOptions = true,
    description = "Validate recipes, show the steps they expand to, print the recipe schema.",
    subcommands = {
      RecipeCommand.Validate.class,
      RecipeCommand.Explain.class,
      RecipeCommand.Schema.class
    })
final class RecipeCommand implements Runnable {

  /** Exit status when a recipe has errors. */
  static final int INVALID = 1;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static void printErrors(PrintWriter err, List<RecipeError> errors) {
    errors.forEach(e -> err.println(e.format()));
    err.println(errors.size() == 1 ? "1 error" : errors.size() + " errors");
  }

  /** {@code plinth recipe validate FILE...}. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description =
          "Check recipe files (YAML or JSON) against schema v1 and for meaning. Prints every error"
              + " as FILE:LINE:COLUMN; exits 1 when any file has errors.")
  static final class Validate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        arity = "1..*",
        paramLabel = "FILE",
        description = "Recipe files; - reads standard input.")
    List<Path> files;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "Output format: text or json (default: ${DEFAULT-VALUE}).",
        defaultValue = "text")
    String output;

    @Override
    public Integer call() throws IOException {
      if (!output.equals("text") && !output.equals("json")) {
        throw new UserException("unknown output format '" + output + "': use text or json");
      }
      RecipeParser parser = RecipeParser.create();
      Map<Path, List<RecipeError>> results = new LinkedHashMap<>();
      for (Path f : files) {
        results.put(f, f.toString().equals("-") ? stdin(parser) : parser.parse(f).errors());
      }
      boolean failed = results.values().stream().anyMatch(e -> !e.isEmpty());
      PrintWriter out = spec.commandLine().getOut();
      if (output.equals("json")) {
        out.print(json(results));
      } else {
        List<RecipeError> all = new ArrayList<>();
        results.forEach(
            (f, errors) -> {
              if (errors.isEmpty()) {
                out.println(f + ": valid");
              }
              all.addAll(errors);
            });
        if (!all.isEmpty()) {
          printErrors(spec.commandLine().getErr(), all);
        }
      }
      out.flush();
      return failed ? INVALID : 0;
    }

    /** Reads standard input, refusing it past the parser's size limit like a file. */
    private static List<RecipeError> stdin(RecipeParser parser) throws IOException {
      byte[] bytes = System.in.readNBytes(Limits.defaults().maxBytes() + 1);
      return parser.parse(bytes, "<stdin>").errors();
    }

    private static String json(Map<Path, List<RecipeError>> results) throws IOException {
      ObjectMapper mapper = new ObjectMapper();
      ArrayNode files = mapper.createArrayNode();
      results.forEach(
          (f, errors) -> {
            ObjectNode o = files.addObject();
            o.put("file", f.toString());
            o.put("valid", errors.isEmpty());
            ArrayNode list = o.putArray("errors");
            for (RecipeError e : errors) {
              list.addObject()
                  .put("file", e.file())
                  .put("line", e.line())
                  .put("column", e.column())
                  .put("pointer", e.pointer())
                  .put("message", e.message())
                  .put("expected", e.expected());
            }
          });
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(files)
          + System.lineSeparator();
    }
  }

  /** {@code plinth recipe explain FILE}. */
  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description =
          "Show the generic steps a recipe expands to (tool image, arguments, files, devices)."
              + " Without machine options, variables are shown as written.")
  static final class Explain implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Recipe file.")
    Path file;

    @Option(names = "--machine-name", paramLabel = "NAME", description = "$${machine.name}.")
    String machineName;

    @Option(names = "--machine-id", paramLabel = "ID", description = "$${machine.id}.")
    String machineId;

    @Option(names = "--machine-serial", paramLabel = "SERIAL", description = "$${machine.serial}.")
    String machineSerial;

    @Option(
        names = "--mac",
        paramLabel = "MAC",
        description = "$${machine.macs[N]}, in order; repeat the option.")
    List<String> macs = new ArrayList<>();

    @Option(names = "--job-id", paramLabel = "ID", description = "$${job.id}.")
    String jobId;

    @Option(
        names = "--input",
        paramLabel = "NAME=VALUE",
        description = "A job input, $${inputs.NAME}; repeat the option.")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description =
            "Output format: text or json, the plan as task.json carries it (default: ${DEFAULT-VALUE}).",
        defaultValue = "text")
    String output;

    @Override
    public Integer call() {
      if (!output.equals("text") && !output.equals("json")) {
        throw new UserException("unknown output format '" + output + "': use text or json");
      }
      ParseResult parsed = RecipeParser.create().parse(file);
      if (!(parsed instanceof ParseResult.Valid valid)) {
        printErrors(spec.commandLine().getErr(), parsed.errors());
        return INVALID;
      }
      ExpandResult r = RecipeExpander.create().expand(valid.recipe(), valid.source(), variables());
      if (!(r instanceof ExpandResult.Expanded expanded)) {
        printErrors(spec.commandLine().getErr(), r.errors());
        return INVALID;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(
          output.equals("json")
              ? new String(PlanJson.write(expanded.plan()), StandardCharsets.UTF_8)
              : PlanText.render(expanded.plan()));
      out.flush();
      return 0;
    }

    private Variables variables() {
      boolean any =
          machineName != null
              || machineId != null
              || machineSerial != null
              || jobId != null
              || !macs.isEmpty()
              || !inputs.isEmpty();
      if (!any) {
        return Variables.placeholders();
      }
      Variables.Builder b =
          Variables.builder()
              .machineName(machineName)
              .machineId(machineId)
              .machineSerial(machineSerial)
              .jobId(jobId)
              .macs(macs);
      inputs.forEach(b::input);
      return b.build();
    }
  }

  /** {@code plinth recipe schema}. */
  @Command(
      name = "schema",
      mixinStandardHelpOptions = true,
      description = "Print the recipe JSON Schema (2020-12), as served at /api/v1/schemas/recipe.")
  static final class Schema implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(new String(RecipeSchema.bytes(), StandardCharsets.UTF_8));
      out.flush();
      return 0;
    }
  }
}
