/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth machines maintenance NAME on|off} and {@code plinth machines decommission}. */
final class MachineLifecycleCommands {

  private MachineLifecycleCommands() {}

  @Command(
      name = "maintenance",
      mixinStandardHelpOptions = true,
      description =
          "Put a machine in maintenance (it takes no jobs) or end it (back to the state it was"
              + " in). Not while a job is active on it.")
  static final class Maintenance implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "on|off")
    String onOff;

    @Option(names = "--reason", description = "Why; shown with the machine's state.")
    String reason;

    @Override
    public Integer call() {
      boolean on =
          switch (onOff) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new UserException("say on or off, not '" + onOff + "'");
          };
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("enabled", on);
      if (reason != null) {
        body.put("reason", reason);
      }
      var m = opts.client().post("/api/v1/machines/" + ApiClient.q(name) + "/maintenance", body);
      spec.commandLine().getOut().println(name + ": " + m.path("state").asText());
      return 0;
    }
  }

  @Command(
      name = "decommission",
      mixinStandardHelpOptions = true,
      description =
          "Take a machine out of the fleet: it takes no more jobs (remove it with plinth machines"
              + " rm). Not while a job is active on it.")
  static final class Decommission implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--reason", description = "Why; shown with the machine's state.")
    String reason;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      if (reason != null) {
        body.put("reason", reason);
      }
      var m = opts.client().post("/api/v1/machines/" + ApiClient.q(name) + "/decommission", body);
      spec.commandLine().getOut().println(name + ": " + m.path("state").asText());
      return 0;
    }
  }
}
