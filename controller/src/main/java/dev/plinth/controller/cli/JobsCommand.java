/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static dev.plinth.controller.cli.Output.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth jobs ls|get|cancel|watch}. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List, show, cancel and watch jobs.",
    subcommands = {
      JobsCommand.Ls.class,
      JobsCommand.Get.class,
      JobsCommand.Cancel.class,
      JobsCommand.Watch.class,
      JobLogsCommand.class
    })
final class JobsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The states a job ends in. */
  static final java.util.Set<String> TERMINAL =
      java.util.Set.of("Succeeded", "Failed", "Canceled", "TimedOut");

  static final Output.Column[] LIST = {
    col("ID", "/id"), col("MACHINE", "/machine"), col("STATE", "/state"),
    col("STEP", "/lastStep"), col("CREATED", "/createdAt"), col("REASON", "/reason")
  };

  static final Output.Column[] ONE = {
    col("Id", "/id"), col("Machine", "/machine"), col("State", "/state"),
    col("Reason", "/reason"), col("Last step", "/lastStep"),
        col("Cancel requested", "/cancelRequested"),
    col("Deadline", "/deadline"), col("Created", "/createdAt"), col("Finished", "/finishedAt")
  };

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Option(names = "--state", description = "Only jobs in this state (e.g. Running).")
    String state;

    @Option(names = "--machine", description = "Only jobs of this machine.")
    String machine;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() {
      StringBuilder q = new StringBuilder("/api/v1/jobs?limit=" + limit);
      if (state != null) {
        q.append("&state=").append(ApiClient.q(state));
      }
      if (machine != null) {
        q.append("&machine=").append(ApiClient.q(machine));
      }
      opts.out(spec.commandLine().getOut())
          .list(opts.client().get(q.toString()).path("items"), LIST);
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a job.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--plan",
        description =
            "Show the job's execution plan (its recipe compiled at submit: steps, images pinned"
                + " by digest, variables), as JSON, or YAML with -o yaml.")
    boolean plan;

    @Override
    public Integer call() {
      Output out = opts.out(spec.commandLine().getOut());
      if (plan) {
        out.raw(opts.client().get("/api/v1/jobs/" + ApiClient.q(id) + "/plan"));
      } else {
        out.item(opts.client().get("/api/v1/jobs/" + ApiClient.q(id)), ONE);
      }
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job.")
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      JsonNode j = opts.client().post("/api/v1/jobs/" + ApiClient.q(id) + "/cancel", null);
      String state = j.path("state").asText();
      if (TERMINAL.contains(state)) {
        throw UserException.failed(
            "job " + id + " already finished (" + state + "): there is nothing to cancel");
      }
      spec.commandLine().getOut().println(id + ": cancel requested (now " + state + ")");
      return 0;
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = "Follow a job's progress until it ends; exit 0 only if it succeeded.")
  static final class Watch implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return watch(
          opts.client(), id, opts.out(spec.commandLine().getOut()), spec.commandLine().getOut());
    }
  }

  /** Streams a job's events as progress lines (or raw JSON events), then its final state. */
  static int watch(ApiClient c, String id, Output out, PrintWriter w) {
    WatchProgress times = new WatchProgress(c, id);
    c.stream(
        "/api/v1/jobs/" + ApiClient.q(id) + "/events/stream",
        e -> {
          if (!out.table()) {
            out.raw(e);
          } else {
            w.println(times.line(e));
            w.flush();
          }
        });
    JsonNode j = c.get("/api/v1/jobs/" + ApiClient.q(id));
    if (out.table()) {
      w.println(WatchProgress.last(id, j));
      w.flush();
    }
    return "Succeeded".equals(j.path("state").asText()) ? 0 : 1;
  }

  static String progress(JsonNode e) {
    String at = e.path("at").asText();
    String time = at.length() >= 19 ? at.substring(11, 19) : at;
    JsonNode d = e.path("data");
    String what =
        switch (e.path("type").asText()) {
          case "job.state" ->
              d.path("from").asText()
                  + " -> "
                  + d.path("to").asText()
                  + (d.hasNonNull("reason") ? " (" + d.path("reason").asText() + ")" : "");
          case "step.started" ->
              "step "
                  + d.path("step").asText()
                  + " started (attempt "
                  + d.path("attempt").asText()
                  + ")";
          case "step.succeeded" ->
              "step "
                  + d.path("step").asText()
                  + " succeeded in "
                  + d.path("durationMs").asText()
                  + " ms";
          case "step.failed" ->
              "step "
                  + d.path("step").asText()
                  + " FAILED (exit "
                  + d.path("exitCode").asText()
                  + ")"
                  + (d.path("willRetry").asBoolean() ? ", will retry" : "");
          case "finished" -> "dispatcher finished: " + d.path("outcome").asText();
          case "bmc.error" -> "BMC error: " + d.path("message").asText();
          case "bmc.retry" -> d.path("message").asText();
          default -> e.path("type").asText();
        };
    return time + "  " + what;
  }
}
