/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci;

import dev.plinth.ci.release.ReleaseTarballCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ci}: the pipeline steps, each a subcommand. */
@Command(
    name = "ci",
    mixinStandardHelpOptions = true,
    description = "Plinth's release pipeline.",
    subcommands = {
      ReleaseTarballCommand.class,
      dev.plinth.ci.sbom.SbomCommand.class,
      dev.plinth.ci.gate.GateCommand.class,
      dev.plinth.ci.notes.ReleaseNotesCommand.class,
      dev.plinth.ci.sign.KeygenCommand.class,
      dev.plinth.ci.sign.SignCommand.class,
      dev.plinth.ci.sign.VerifyCommand.class,
      dev.plinth.ci.build.BuildCommand.class,
      dev.plinth.ci.build.VerifyReproducibleCommand.class,
      dev.plinth.ci.publish.PublishCommand.class,
      dev.plinth.ci.publish.PromoteCommand.class,
      dev.plinth.ci.publish.RetentionCommand.class,
      dev.plinth.ci.rehearse.RehearseCommand.class,
      dev.plinth.ci.validate.ValidateCommand.class
    })
public final class Ci implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int exit = new CommandLine(new Ci()).execute(args);
    // Maven's exec:java runs us in its own JVM: report failure without exiting it on success.
    if (exit != 0) {
      throw new IllegalStateException("ci " + String.join(" ", args) + " failed with exit " + exit);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
