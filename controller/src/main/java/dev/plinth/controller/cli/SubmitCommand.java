/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plinth submit -f RECIPE --machine NAME [--watch]}. */
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
      names = {"-w", "--watch"},
      description = "Follow progress; exit 0 only on success.")
  boolean watch;

  @Override
  public Integer call() throws IOException {
    String text =
        file.toString().equals("-")
            ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(file);
    ApiClient c = opts.client();
    JsonNode job = c.post("/api/v1/jobs", Map.of("machine", machine, "recipeText", text));
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
}
