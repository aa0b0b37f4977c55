/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.cli;

import dev.plinth.contract.ContractException;
import dev.plinth.dispatcher.intake.IntakeException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command; exit status 0 ok, 1 the job failed, 2 bad task or input, 70 internal error. */
@Command(
    name = "plinth-dispatcher",
    mixinStandardHelpOptions = true,
    version = "plinth-dispatcher 0.1.0",
    description =
        "The Plinth agent inside the maintenance OS: runs a task ISO's steps and reports them.",
    subcommands = {RunCommand.class, CheckTaskCommand.class, RenderUnitsCommand.class})
public final class DispatcherCommand implements Runnable {

  static final int JOB_FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int INTERNAL = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final System.Logger LOG = System.getLogger(DispatcherCommand.class.getName());

  /** A command line with the shared error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new DispatcherCommand());
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          if (ex instanceof IntakeException
              || ex instanceof ContractException
              || ex instanceof IOException) {
            c.getErr().println("plinth-dispatcher: " + ex.getMessage());
            return BAD_INPUT;
          }
          LOG.log(System.Logger.Level.ERROR, "internal error", ex);
          c.getErr().println("plinth-dispatcher: internal error: " + ex);
          return INTERNAL;
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
