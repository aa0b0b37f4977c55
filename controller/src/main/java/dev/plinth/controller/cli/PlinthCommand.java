/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.BuildInfo;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code plinth} command; each concern adds its subcommand here. */
@Command(
    name = "plinth",
    mixinStandardHelpOptions = true,
    versionProvider = PlinthCommand.Version.class,
    description =
        "Bare-metal provisioning controller: Redfish virtual media, task ISOs, an OCI registry.",
    subcommands = {
      VersionCommand.class,
      ServeCommand.class,
      LoginCommand.class,
      MachinesCommand.class,
      SubmitCommand.class,
      JobsCommand.class,
      DemoCommand.class,
      RegistryCommand.class,
      IsoCommand.class,
      RecipeCommand.class,
      BmcCommand.class,
      AutoComplete.GenerateCompletion.class,
    })
public final class PlinthCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** A command line ready to execute, with the error handling every subcommand shares. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /**
   * A command line whose client commands read {@code env} in place of the process environment
   * ({@code PLINTH_URL}, {@code PLINTH_TOKEN}, {@code XDG_CONFIG_HOME}, {@code HOME}).
   */
  static CommandLine commandLine(java.util.Map<String, String> env) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K k = defaults.create(cls);
            if (k instanceof ClientOptions o) {
              o.env = env;
            }
            return k;
          }
        };
    CommandLine cl = new CommandLine(new PlinthCommand(), factory);
    cl.setExecutionExceptionHandler(new CliErrors());
    // The completion script is generated, never hand-written: plinth generate-completion.
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Supplies {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo b = BuildInfo.current();
      return new String[] {"plinth " + b.version() + " (" + b.shortCommit() + ")"};
    }
  }
}
