/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code plinth jobs logs JOB [--step S] [-f]}: the output of a job's steps as the dispatcher
 * streamed it, a header line before each step's attempt; {@code -f} follows it (polling the API)
 * until the job has finished; {@code -o json} prints the chunks as the API gives them.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Print the output of a job's steps; -f follows it until the job ends.")
final class JobLogsCommand implements Callable<Integer> {

  static final long POLL_MS = 1000;

  @Spec CommandSpec spec;
  @Mixin ClientOptions opts;

  @Parameters(paramLabel = "JOB")
  String id;

  @Option(names = "--step", paramLabel = "STEP", description = "Only this step.")
  String step;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new output until the job has finished.")
  boolean follow;

  private String shown;

  @Override
  public Integer call() throws InterruptedException {
    ApiClient c = opts.client();
    Output out = opts.out(spec.commandLine().getOut());
    PrintWriter w = spec.commandLine().getOut();
    String base =
        "/api/v1/jobs/"
            + ApiClient.q(id)
            + "/logs?limit=500"
            + (step == null ? "" : "&step=" + ApiClient.q(step));
    long after = 0;
    while (true) {
      JsonNode page = c.get(base + "&after=" + after);
      for (JsonNode ch : page.path("items")) {
        print(out, w, ch);
        after = ch.path("id").asLong();
      }
      if (!page.path("items").isEmpty()) {
        continue;
      }
      if (!follow
          || isFinished(c.get("/api/v1/jobs/" + ApiClient.q(id)))
              && c.get(base + "&after=" + after).path("items").isEmpty()) {
        return 0;
      }
      Thread.sleep(POLL_MS);
    }
  }

  private static boolean isFinished(JsonNode job) {
    return job.hasNonNull("finishedAt");
  }

  private void print(Output out, PrintWriter w, JsonNode ch) {
    if (!out.table()) {
      out.raw(ch);
      return;
    }
    String head = ch.path("step").asText() + " attempt " + ch.path("attempt").asText();
    if (!head.equals(shown)) {
      w.println("==> " + head + " <==");
      shown = head;
    }
    w.print(ch.path("text").asText());
    w.flush();
  }
}
