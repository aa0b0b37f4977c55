/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static dev.plinth.controller.cli.Output.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth machines add|ls|get|rm|power|inspect}. */
@Command(
    name = "machines",
    mixinStandardHelpOptions = true,
    description = "Manage machines (servers and their BMCs).",
    subcommands = {
      MachinesCommand.Add.class,
      MachinesCommand.Ls.class,
      MachinesCommand.Get.class,
      MachinesCommand.Rm.class,
      MachinesCommand.Power.class,
      MachinesCommand.Inspect.class,
      MachineLifecycleCommands.Maintenance.class,
      MachineLifecycleCommands.Decommission.class
    })
final class MachinesCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final Output.Column[] LIST = {
    col("NAME", "/name"),
    col("STATE", "/state"),
    col("BMC", "/bmc/url"),
    col("USER", "/bmc/username"),
    col("LABELS", "/labels"),
    col("UPDATED", "/updatedAt")
  };

  static final Output.Column[] ONE = {
    col("Name", "/name"),
    col("Id", "/id"),
    col("BMC", "/bmc/url"),
    col("User", "/bmc/username"),
    col("Insecure TLS", "/bmc/insecure"),
    col("TLS pin", "/bmc/fingerprint"),
    col("Labels", "/labels"),
    col("State", "/state"),
    col("State reason", "/stateReason"),
    col("State since", "/stateSince"),
    col("Version", "/version"),
    col("Created", "/createdAt"),
    col("Updated", "/updatedAt")
  };

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add a machine. The controller first logs in to its BMC and reads the inventory, so a"
              + " wrong URL, user name or password is refused now (--no-validate to skip).")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--bmc", required = true, paramLabel = "URL", description = "BMC base URL.")
    String bmc;

    @Option(names = "--username", required = true, paramLabel = "USER")
    String username;

    @Option(
        names = "--password-file",
        required = true,
        paramLabel = "FILE",
        description = "File holding the BMC password (- for stdin); never a command-line argument.")
    Path passwordFile;

    @ArgGroup(exclusive = true)
    Trust trust = new Trust();

    /** How the BMC's TLS certificate is trusted, besides the controller's system trust store. */
    static final class Trust {
      @Option(
          names = "--insecure",
          description = "Do not verify the BMC's TLS certificate (labs only; logs a warning).")
      boolean insecure;

      @Option(
          names = "--ca-file",
          paramLabel = "FILE",
          description = "Trust the CA certificates in this PEM file (stored with the machine).")
      Path caFile;

      @Option(
          names = "--fingerprint",
          paramLabel = "SHA256:HEX",
          description = "Trust exactly the BMC certificate with this SHA-256 fingerprint.")
      String fingerprint;
    }

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(
        names = "--no-validate",
        description =
            "Do not contact the BMC now (offline enrolment): nothing is checked and no inventory"
                + " is read until plinth machines inspect NAME.")
    boolean noValidate;

    /** How long the controller's Redfish client retries a BMC that does not answer. */
    static final java.time.Duration RETRY_WINDOW =
        dev.plinth.controller.redfish.RedfishOptions.defaults().transportRetryWindow();

    @Override
    public Integer call() throws IOException {
      String pw = CliFiles.readText(passwordFile, "a file holding the BMC password").strip();
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("name", name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("url", bmc);
      m.put("username", username);
      m.put("password", pw);
      m.put("insecure", trust.insecure);
      if (trust.caFile != null) {
        m.put("caPem", CliFiles.readText(trust.caFile, "a PEM file of CA certificates"));
      }
      if (trust.fingerprint != null) {
        m.put("fingerprint", trust.fingerprint);
      }
      b.put("bmc", m);
      b.put("labels", labels);
      String path = "/api/v1/machines" + (noValidate ? "?validate=false" : "");
      // On stderr, so that -o json stays one document.
      var err = spec.commandLine().getErr();
      if (!noValidate) {
        // The controller checks the BMC before it answers: say so, and how long a BMC that does
        // not answer can make this wait, before the wait.
        err.println(
            name
                + ": checking the BMC at "
                + bmc
                + " (login, inventory; a BMC that does not answer is retried for up to "
                + RETRY_WINDOW.toSeconds()
                + " s)");
        err.flush();
      }
      MachineView.print(opts.out(spec.commandLine().getOut()), opts.client().post(path, b));
      err.println(
          noValidate
              ? name
                  + ": BMC not checked (--no-validate): run plinth machines inspect "
                  + name
                  + " to check it and read the inventory"
              : name + ": BMC checked: logged in and read the inventory");
      err.flush();
      return 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List machines.")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Option(
        names = {"-l", "--label"},
        paramLabel = "KEY=VALUE",
        description = "Filter; repeatable.")
    List<String> labels = List.of();

    @Override
    public Integer call() {
      ApiClient c = opts.client();
      var all = ApiClient.JSON.createArrayNode();
      String after = null;
      do {
        StringBuilder q = new StringBuilder("/api/v1/machines?limit=500");
        labels.forEach(l -> q.append("&label=").append(ApiClient.q(l)));
        if (after != null) {
          q.append("&after=").append(ApiClient.q(after));
        }
        JsonNode page = c.get(q.toString());
        page.path("items").forEach(all::add);
        after = page.path("next").asText(null);
      } while (after != null);
      opts.out(spec.commandLine().getOut()).list(all, LIST);
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a machine.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      ApiClient c = opts.client();
      Output out = opts.out(spec.commandLine().getOut());
      MachineView.print(out, c.get("/api/v1/machines/" + ApiClient.q(name)));
      if (out.table()) {
        JsonNode h =
            c.get(
                "/api/v1/machines/"
                    + ApiClient.q(name)
                    + "/history?limit="
                    + MachineView.HISTORY_SHOWN);
        MachineView.history(h).forEach(out.w()::println);
        out.w().flush();
      }
      return 0;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a machine.")
  static final class Rm implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      opts.client().send("DELETE", "/api/v1/machines/" + ApiClient.q(name), null, null);
      spec.commandLine().getOut().println("removed " + name);
      return 0;
    }
  }

  /** What was asked and what the BMC was sent (not always the same: PowerCycle not allowed...). */
  static final Output.Column[] POWER = {
    col("Machine", "/machine"), col("Action", "/action"), col("Sent", "/sent")
  };

  @Command(
      name = "power",
      mixinStandardHelpOptions = true,
      description =
          "Power on, off (forced), shutdown (graceful), restart or cycle, as plinth bmc power.")
  static final class Power implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "ACTION", description = PowerWords.WORDS)
    String action;

    @Override
    public Integer call() {
      String asked = PowerWords.apiAction(action);
      JsonNode r =
          opts.client()
              .post("/api/v1/machines/" + ApiClient.q(name) + "/power", Map.of("action", asked));
      opts.out(spec.commandLine().getOut()).item(r, POWER);
      return 0;
    }
  }

  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = "Read the inventory from the BMC and store it.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      MachineView.print(
          opts.out(spec.commandLine().getOut()),
          opts.client().post("/api/v1/machines/" + ApiClient.q(name) + "/inventory", null));
      return 0;
    }
  }
}
