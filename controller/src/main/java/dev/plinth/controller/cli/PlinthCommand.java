/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.BuildInfo;
import dev.plinth.controller.config.Durations;
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
      TokensCommand.class,
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
   * Starts the work {@code args}' command needs whatever its options say on another core, before
   * its command line is parsed; only {@code serve} has any (see {@code ServeCommand.warmUp}).
   */
  public static void warmUp(String... args) {
    if (args.length > 0 && "serve".equals(args[0])) {
      ServeCommand.warmUp();
    }
  }

  /**
   * A command line for {@code args}. When the first argument names one of the subcommands, the root
   * holds that subcommand only: picocli then builds one command's model instead of the whole tree's
   * (which took a third of the main thread's CPU before {@code serve} was ready). Anything else
   * ({@code --help}, a typo, {@code generate-completion}) gets the whole tree.
   */
  public static CommandLine commandLineFor(String... args) {
    return commandLineFor(System.getenv(), args);
  }

  static CommandLine commandLineFor(java.util.Map<String, String> env, String... args) {
    if (args.length > 0) {
      for (Class<?> c : PlinthCommand.class.getAnnotation(Command.class).subcommands()) {
        Command sub = c.getAnnotation(Command.class);
        if (sub != null
            && sub.name().equals(args[0])
            && c != AutoComplete.GenerateCompletion.class) {
          CommandLine cl = new CommandLine(new One(), factory(env));
          cl.addSubcommand(sub.name(), c);
          return shared(cl);
        }
      }
    }
    return commandLine(env);
  }

  /** The root of a command line that holds one subcommand (see {@link #commandLineFor}). */
  @Command(
      name = "plinth",
      mixinStandardHelpOptions = true,
      versionProvider = PlinthCommand.Version.class)
  static final class One implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /**
   * A command line whose client commands read {@code env} in place of the process environment
   * ({@code PLINTH_URL}, {@code PLINTH_TOKEN}, {@code XDG_CONFIG_HOME}, {@code HOME}).
   */
  static CommandLine commandLine(java.util.Map<String, String> env) {
    CommandLine cl = shared(new CommandLine(new PlinthCommand(), factory(env)));
    // The completion script is generated, never hand-written: plinth generate-completion.
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    return cl;
  }

  /** What every command shares: the one error path and the one duration syntax. */
  private static CommandLine shared(CommandLine cl) {
    cl.setExecutionExceptionHandler(new CliErrors());
    cl.registerConverter(
        java.time.Duration.class,
        s -> {
          try {
            return Durations.parse(s);
          } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
          }
        });
    return cl;
  }

  private static CommandLine.IFactory factory(java.util.Map<String, String> env) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K k = defaults.create(cls);
        if (k instanceof ClientOptions o) {
          o.env = env;
        }
        return k;
      }
    };
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
